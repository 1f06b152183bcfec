//! What the entity and notice indexes share: an index in RAM with the Chinese analyzer, one
//! writer behind a lock, a reader reloaded by hand after each commit, and the batch that replaces
//! documents by key all at once or not at all.

use std::sync::Mutex;

use tantivy::schema::{Field, IndexRecordOption, SchemaBuilder, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::SearchError;
use crate::analyzer::{self, analyze, chinese_analyzer};

/// Memory budget of the single indexing thread by default. tantivy's minimum is 15 MB per thread.
const WRITER_HEAP_BYTES: usize = 24_000_000;

/// tantivy refuses a writer with less than this per indexing thread.
const MIN_HEAP_PER_THREAD: usize = 15_000_000;

/// How an index writes and searches. The default suits the small, incrementally updated indexes
/// of a running server: one indexing thread, 24 MB of indexing memory, searches on the calling
/// thread. A bulk rebuild of a large index goes faster with more threads and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexOptions {
    /// Indexing threads (at least 1). Segmenting Chinese text with jieba is most of the cost of
    /// indexing, and it runs on these threads.
    pub writer_threads: usize,
    /// Indexing memory shared by the threads, in bytes; raised to 15 MB per thread if lower.
    /// A thread writes a segment each time its share fills, so more memory means fewer segments.
    pub writer_heap_bytes: usize,
    /// Threads a single search uses over the index's segments (1 = the calling thread only).
    pub search_threads: usize,
}

impl Default for IndexOptions {
    fn default() -> IndexOptions {
        IndexOptions { writer_threads: 1, writer_heap_bytes: WRITER_HEAP_BYTES, search_threads: 1 }
    }
}

/// Options of a searched text field: the Chinese analyzer, frequencies for BM25, no positions
/// (these indexes never run phrase queries).
pub(crate) fn text_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::ANALYZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// An index in RAM and what searching and writing it need.
pub(crate) struct RamIndex {
    /// `None` only while [`RamIndex::merge_segments`] swaps the writer, or after that failed to
    /// open a new one.
    writer: Mutex<Option<IndexWriter>>,
    pub(crate) reader: IndexReader,
    pub(crate) analyzer: TextAnalyzer,
    index: Index,
    options: IndexOptions,
}

impl RamIndex {
    /// Creates the index of `schema` with the Chinese analyzer registered.
    pub(crate) fn create(schema: SchemaBuilder, options: IndexOptions) -> Result<RamIndex, SearchError> {
        let options = IndexOptions {
            writer_threads: options.writer_threads.max(1),
            writer_heap_bytes: options.writer_heap_bytes.max(MIN_HEAP_PER_THREAD * options.writer_threads.max(1)),
            search_threads: options.search_threads.max(1),
        };
        let mut index = Index::create_in_ram(schema.build());
        if options.search_threads > 1 {
            index.set_multithread_executor(options.search_threads)?;
        }
        let mut analyzer = chinese_analyzer();
        index.tokenizers().register(analyzer::ANALYZER_NAME, analyzer.clone());
        // jieba loads its dictionary on first use; pay that now, at startup, and not in the first
        // request.
        let _ = analyze(&mut analyzer, "市场主体");
        let writer = open_writer(&index, options)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(RamIndex { writer: Mutex::new(Some(writer)), reader, analyzer, index, options })
    }

    /// Inserts or replaces the documents, each by its value of the `key` field, in one commit:
    /// all of them become visible to the next search, or on error none. Within the batch a later
    /// document replaces an earlier one with the same key.
    pub(crate) fn replace(&self, key: Field, prepared: Vec<(String, TantivyDocument)>) -> Result<(), SearchError> {
        if prepared.is_empty() {
            return Ok(());
        }
        let mut guard = self.writer.lock().map_err(|_| SearchError::WriterPoisoned)?;
        let writer = guard.as_mut().ok_or(SearchError::WriterUnavailable)?;
        let written = (|| -> Result<(), SearchError> {
            for (value, document) in prepared {
                // Delete first: a delete applies to documents added before it, so the document
                // added right after survives, and a later duplicate in the batch replaces it.
                writer.delete_term(Term::from_field_text(key, &value));
                writer.add_document(document)?;
            }
            writer.commit()?;
            Ok(())
        })();
        if let Err(e) = written {
            // Drop the uncommitted operations so a later commit does not publish half a batch.
            let _ = writer.rollback();
            return Err(e);
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Waits for the background merges, then merges every segment into one and drops the
    /// documents that replaced ones left behind. Meant for after a bulk rebuild: a search then
    /// walks one posting list per term instead of one per segment. Writes wait meanwhile.
    pub(crate) fn merge_segments(&self) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::WriterPoisoned)?;
        // Only a finished writer has no merge running, and a merge of a segment that another
        // merge holds is refused; so close this writer, then open a new one.
        let waited = guard.take().map_or(Ok(()), IndexWriter::wait_merging_threads);
        // Reopen even when waiting failed, so that later writes still work.
        let mut writer = open_writer(&self.index, self.options)?;
        let merged = match (waited, self.index.searchable_segment_ids()) {
            (Ok(()), Ok(segments)) if segments.len() > 1 => writer.merge(&segments).wait().map(|_| ()),
            (Ok(()), Ok(_)) => Ok(()),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        *guard = Some(writer);
        merged?;
        self.reader.reload()?;
        if let Some(writer) = guard.as_ref() {
            // The merged-away segments' files are still in RAM until collected.
            writer.garbage_collect_files().wait()?;
        }
        Ok(())
    }

    /// Bytes the segments visible to searches take (postings, term dictionaries, fast fields,
    /// stored fields): the index's size, whether it lives in RAM or would live on disk.
    pub(crate) fn size_bytes(&self) -> Result<u64, SearchError> {
        let usage = self.reader.searcher().space_usage().map_err(|e| SearchError::Io(e.to_string()))?;
        Ok(usage.total().get_bytes())
    }

    /// Segments visible to searches.
    pub(crate) fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }
}

fn open_writer(index: &Index, options: IndexOptions) -> Result<IndexWriter, SearchError> {
    Ok(index.writer_with_num_threads(options.writer_threads, options.writer_heap_bytes)?)
}

//! What the entity and notice indexes share: an index in RAM with the Chinese analyzer, one
//! writer behind a lock, a reader reloaded by hand after each commit, and the batch that replaces
//! documents by key all at once or not at all.

use std::sync::Mutex;

use tantivy::schema::{Field, IndexRecordOption, SchemaBuilder, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::SearchError;
use crate::analyzer::{self, analyze, chinese_analyzer};

/// Memory budget of the single indexing thread. tantivy's minimum is 15 MB.
const WRITER_HEAP_BYTES: usize = 24_000_000;

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
    pub(crate) writer: Mutex<IndexWriter>,
    pub(crate) reader: IndexReader,
    pub(crate) analyzer: TextAnalyzer,
}

impl RamIndex {
    /// Creates the index of `schema` with the Chinese analyzer registered.
    pub(crate) fn create(schema: SchemaBuilder) -> Result<RamIndex, SearchError> {
        let index = Index::create_in_ram(schema.build());
        let mut analyzer = chinese_analyzer();
        index.tokenizers().register(analyzer::ANALYZER_NAME, analyzer.clone());
        // jieba loads its dictionary on first use; pay that now, at startup, and not in the first
        // request.
        let _ = analyze(&mut analyzer, "市场主体");
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(RamIndex { writer: Mutex::new(writer), reader, analyzer })
    }

    /// Inserts or replaces the documents, each by its value of the `key` field, in one commit:
    /// all of them become visible to the next search, or on error none. Within the batch a later
    /// document replaces an earlier one with the same key.
    pub(crate) fn replace(&self, key: Field, prepared: Vec<(String, TantivyDocument)>) -> Result<(), SearchError> {
        if prepared.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer.lock().map_err(|_| SearchError::WriterPoisoned)?;
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
}

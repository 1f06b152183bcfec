//! The canonical byte encoding shared by the event chain and the bid envelope: fixed-width
//! big-endian integers and u32-length-prefixed byte strings, so field boundaries are unambiguous
//! and any language can reproduce the bytes.

/// Appends `bytes` with a u32 big-endian length prefix.
pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Fields are bounded far below 4 GiB at every edge; saturate rather than wrap if one is not.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Appends an i64, big-endian.
pub(crate) fn put_i64(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Reads fields back; every read fails cleanly on truncated input.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

/// The input ended inside a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Truncated;

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Truncated> {
        if self.rest.len() < n {
            return Err(Truncated);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], Truncated> {
        let len = u32::from_be_bytes(self.take(4)?.try_into().map_err(|_| Truncated)?);
        self.take(usize::try_from(len).map_err(|_| Truncated)?)
    }

    pub(crate) fn i64(&mut self) -> Result<i64, Truncated> {
        Ok(i64::from_be_bytes(self.take(8)?.try_into().map_err(|_| Truncated)?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Truncated> {
        Ok(u32::from_be_bytes(self.take(4)?.try_into().map_err(|_| Truncated)?))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
}

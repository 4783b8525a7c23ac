//! [`Memory`]: a linear memory, backed by a plain `Vec<u8>` — or, for
//! 32-bit memories of engines whose JIT relies on guard pages, by a
//! reservation of address space with guard pages after it
//! (`docs/decisions/0009-guard-pages.md`).

use std::ops::{Deref, DerefMut};

use zwasm_decode::MemoryType;

use crate::Error;
use crate::config::Limits;
use crate::store::{AsContext, AsContextMut, StoreContext, StoreContextMut, StoreId};

/// A linear memory in a store's arena.
pub(crate) struct MemoryEntity {
    pub ty: MemoryType,
    pub data: MemoryData,
    /// Most pages the memory may ever have: its declared maximum capped by the
    /// index type's address space and the engine's limit.
    max_pages: u64,
}

impl MemoryEntity {
    pub fn new(ty: MemoryType, limits: &Limits) -> Result<Self, Error> {
        let page_size_log2 = ty.page_size_log2;
        if page_size_log2 > 16 {
            return Err(Error::Limit(format!(
                "unsupported page size 2^{page_size_log2}"
            )));
        }
        let address_space_pages = if ty.memory64 {
            limits.max_memory64_pages
        } else {
            (1u64 << 32) >> page_size_log2
        };
        if let Some(max) = ty.limits.max
            && max < ty.limits.min
        {
            return Err(Error::Limit(format!(
                "memory minimum {} exceeds its maximum {max}",
                ty.limits.min
            )));
        }
        let max_pages = ty.limits.max.unwrap_or(u64::MAX).min(address_space_pages);
        if ty.limits.min > max_pages {
            return Err(Error::Limit(format!(
                "memory of {} pages exceeds the limit of {max_pages} pages",
                ty.limits.min
            )));
        }
        let data = if limits.guarded_memories && MemoryData::can_guard(&ty) {
            let bytes = ty
                .limits
                .min
                .checked_mul(ty.page_size())
                .and_then(|bytes| usize::try_from(bytes).ok());
            match bytes.and_then(crate::jit::GuardedMemory::new) {
                Some(memory) => MemoryData::Guarded(memory),
                None => {
                    return Err(Error::Limit(format!(
                        "could not reserve address space for a memory of {} pages",
                        ty.limits.min
                    )));
                }
            }
        } else {
            MemoryData::Heap(Vec::new())
        };
        let mut memory = MemoryEntity {
            ty,
            data,
            max_pages,
        };
        if memory.resize_to(ty.limits.min).is_none() {
            return Err(Error::Limit(format!(
                "could not allocate a memory of {} pages",
                ty.limits.min
            )));
        }
        Ok(memory)
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        (self.data.len() as u64) >> self.ty.page_size_log2
    }

    /// The memory's type with its current size as minimum, as import
    /// matching sees it.
    pub fn current_type(&self) -> MemoryType {
        let mut ty = self.ty;
        ty.limits.min = self.pages();
        ty
    }

    /// Grows by `delta` pages, returning the old size, or `None` if the
    /// memory may not or cannot grow that much (wasm sees -1, not a trap).
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        self.resize_to(new)?;
        Some(old)
    }

    /// The `-1` of a failed `memory.grow`, as a slot of the memory's index type.
    pub fn grow_failure(&self) -> u64 {
        if self.ty.memory64 {
            u64::MAX
        } else {
            u64::from(u32::MAX)
        }
    }

    fn resize_to(&mut self, pages: u64) -> Option<()> {
        let bytes = usize::try_from(pages.checked_mul(self.ty.page_size())?).ok()?;
        let data = match &mut self.data {
            MemoryData::Heap(data) => data,
            MemoryData::Guarded(memory) => return memory.resize(bytes),
        };
        if data.capacity() == 0 {
            // A fresh memory: `vec![0; n]` gets zeroed pages from the OS,
            // which cost nothing until touched.
            *data = zeroed_buffer(bytes)?;
            return Some(());
        }
        // Growth: amortised reallocation (large blocks are remapped, not
        // copied); only the new pages are written.
        data.try_reserve(bytes.checked_sub(data.len())?).ok()?;
        data.resize(bytes, 0);
        Some(())
    }
}

/// The bytes of a linear memory. Everything but the JIT's guard-page
/// bookkeeping sees a byte slice.
pub(crate) enum MemoryData {
    /// A growable buffer (moves when it grows).
    Heap(Vec<u8>),
    /// A fixed reservation with guard pages after it (never moves).
    Guarded(crate::jit::GuardedMemory),
}

impl MemoryData {
    /// Whether compiled code may access memories of type `ty` unchecked
    /// behind guard pages: 32-bit memories whose size is always a
    /// multiple of the OS page (64 KiB wasm pages), so that the first
    /// byte past the end is inaccessible.
    pub fn can_guard(ty: &MemoryType) -> bool {
        !ty.memory64 && ty.page_size_log2 == MemoryType::PAGE_SIZE_LOG2
    }

    /// Whether `addr` is in the guard region of this memory.
    #[cfg_attr(
        not(all(target_arch = "aarch64", target_os = "linux")),
        allow(dead_code)
    )]
    pub fn guards(&self, addr: usize) -> bool {
        match self {
            MemoryData::Heap(_) => false,
            MemoryData::Guarded(memory) => memory.guards(addr),
        }
    }
}

impl Deref for MemoryData {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            MemoryData::Heap(data) => data,
            MemoryData::Guarded(memory) => memory.as_slice(),
        }
    }
}

impl DerefMut for MemoryData {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            MemoryData::Heap(data) => data,
            MemoryData::Guarded(memory) => memory.as_mut_slice(),
        }
    }
}

/// A zero-filled buffer of `len` bytes, or `None` if it cannot be allocated.
/// The probe turns an impossible allocation into `None` instead of an abort.
fn zeroed_buffer(len: usize) -> Option<Vec<u8>> {
    Vec::<u8>::new().try_reserve_exact(len).ok()?;
    Some(vec![0; len])
}

/// A linear memory.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Limits, Memory, MemoryType, Store};
/// let mut store = Store::new(&Engine::default(), ());
/// let ty = MemoryType { limits: Limits { min: 1, max: Some(2) }, memory64: false, shared: false, page_size_log2: 16 };
/// let memory = Memory::new(&mut store, ty)?;
/// memory.write(&mut store, 8, b"hello").unwrap();
/// assert_eq!(&memory.data(&store)[8..13], b"hello");
/// assert_eq!(memory.grow(&mut store, 1)?, 1);
/// assert!(memory.grow(&mut store, 1).is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

/// A host read or write went outside the memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryAccessError;

impl std::fmt::Display for MemoryAccessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("out of bounds memory access")
    }
}

impl std::error::Error for MemoryAccessError {}

impl From<MemoryAccessError> for Error {
    fn from(error: MemoryAccessError) -> Self {
        Error::host(error)
    }
}

impl Memory {
    /// A new memory of type `ty`, zero-filled to its minimum size.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory, Error> {
        let core = &mut store.as_context_mut().0.core;
        let entity = MemoryEntity::new(ty, &core.limits)?;
        core.memories.push(entity);
        Ok(Memory {
            store: core.id,
            index: (core.memories.len() - 1) as u32,
        })
    }

    fn entity<'a, T>(&self, store: &StoreContext<'a, T>) -> Option<&'a MemoryEntity> {
        let core = &store.0.core;
        core.memories
            .get(self.index as usize)
            .filter(|_| core.owns(self.store))
    }

    fn entity_mut<'a, T>(
        &self,
        store: StoreContextMut<'a, T>,
    ) -> Result<&'a mut MemoryEntity, Error> {
        let core = &mut store.0.core;
        core.check(self.store)?;
        core.memories
            .get_mut(self.index as usize)
            .ok_or_else(Error::wrong_store)
    }

    /// The memory's type, with its current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        let store = store.as_context();
        match self.entity(&store) {
            Some(memory) => memory.current_type(),
            None => MemoryType {
                limits: zwasm_decode::Limits {
                    min: 0,
                    max: Some(0),
                },
                memory64: false,
                shared: false,
                page_size_log2: MemoryType::PAGE_SIZE_LOG2,
            },
        }
    }

    /// Current size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store.as_context())
            .map_or(0, MemoryEntity::pages)
    }

    /// Current size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.entity(&store.as_context())
            .map_or(0, |memory| memory.data.len())
    }

    /// The memory's contents (empty if the handle belongs to another store).
    pub fn data<'a, T: 'a>(&self, store: impl Into<StoreContext<'a, T>>) -> &'a [u8] {
        self.entity(&store.into())
            .map_or(&[], |memory| &memory.data)
    }

    /// The memory's contents, mutably (empty if the handle belongs to another store).
    pub fn data_mut<'a, T: 'a>(&self, store: impl Into<StoreContextMut<'a, T>>) -> &'a mut [u8] {
        match self.entity_mut(store.into()) {
            Ok(memory) => &mut memory.data,
            Err(_) => &mut [],
        }
    }

    /// Grows the memory by `delta_pages`, returning the previous size in pages.
    pub fn grow(&self, mut store: impl AsContextMut, delta_pages: u64) -> Result<u64, Error> {
        let memory = self.entity_mut(store.as_context_mut())?;
        memory.grow(delta_pages).ok_or_else(|| {
            Error::Limit(format!(
                "failed to grow memory of {} pages by {delta_pages} pages",
                memory.pages()
            ))
        })
    }

    /// Copies `buffer.len()` bytes starting at `offset` into `buffer`.
    pub fn read(
        &self,
        store: impl AsContext,
        offset: usize,
        buffer: &mut [u8],
    ) -> Result<(), MemoryAccessError> {
        let store = store.as_context();
        let data = &self.entity(&store).ok_or(MemoryAccessError)?.data;
        let end = offset.checked_add(buffer.len()).ok_or(MemoryAccessError)?;
        buffer.copy_from_slice(data.get(offset..end).ok_or(MemoryAccessError)?);
        Ok(())
    }

    /// Copies `buffer` into the memory starting at `offset`.
    pub fn write(
        &self,
        mut store: impl AsContextMut,
        offset: usize,
        buffer: &[u8],
    ) -> Result<(), MemoryAccessError> {
        let memory = self
            .entity_mut(store.as_context_mut())
            .map_err(|_| MemoryAccessError)?;
        let end = offset.checked_add(buffer.len()).ok_or(MemoryAccessError)?;
        memory
            .data
            .get_mut(offset..end)
            .ok_or(MemoryAccessError)?
            .copy_from_slice(buffer);
        Ok(())
    }
}

//! The global allocator of the binary and the benchmarks: mimalloc. Rendering allocates and
//! frees many small values on every core, which it does in a fraction of the time glibc's
//! allocator takes (see docs/performance.md).

/// mimalloc as the global allocator. Every block `mi_malloc` returns is aligned to at least a
/// machine word, so requests that need no more take its small-block fast path; only larger
/// alignments go through `mi_malloc_aligned`, which checks the alignment on every call.
pub struct MiMalloc;

/// The alignment every mimalloc block has.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each function hands the request to mimalloc, whose blocks satisfy the layout: word
// alignment from `mi_malloc`, any other from the `_aligned` functions; `mi_free` frees both.
unsafe impl std::alloc::GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        // SAFETY: plain calls into the allocator, with a size and a power-of-two alignment.
        unsafe {
            match layout.align() <= WORD {
                true => mi_malloc(layout.size()).cast(),
                false => mi_malloc_aligned(layout.size(), layout.align()).cast(),
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        // SAFETY: as for `alloc`.
        unsafe {
            match layout.align() <= WORD {
                true => mi_zalloc(layout.size()).cast(),
                false => mi_zalloc_aligned(layout.size(), layout.align()).cast(),
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys::{mi_realloc, mi_realloc_aligned};
        // SAFETY: `ptr` came from this allocator with `layout`'s alignment, which the new
        // block keeps.
        unsafe {
            match layout.align() <= WORD {
                true => mi_realloc(ptr.cast(), new_size).cast(),
                false => mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast(),
            }
        }
    }
}

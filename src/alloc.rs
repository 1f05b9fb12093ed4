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

#[cfg(test)]
mod tests {
    use super::MiMalloc;
    use std::alloc::{GlobalAlloc, Layout};

    #[test]
    fn every_alignment_is_kept_through_zeroing_and_growing() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 24, 100, 5000] {
                let layout = Layout::from_size_align(size, align).expect("a layout");
                // SAFETY: the layouts have a size; each block is freed once, by this allocator.
                unsafe {
                    let p = MiMalloc.alloc_zeroed(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "{size} bytes at {align}");
                    assert!(std::slice::from_raw_parts(p, size).iter().all(|&b| b == 0));
                    for i in 0..size {
                        *p.add(i) = i as u8;
                    }
                    let grown = MiMalloc.realloc(p, layout, size * 3);
                    assert_eq!(grown as usize % align, 0, "grown {size} bytes at {align}");
                    let kept = std::slice::from_raw_parts(grown, size);
                    assert!(kept.iter().enumerate().all(|(i, &b)| b == i as u8));
                    MiMalloc.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
                    let q = MiMalloc.alloc(layout);
                    assert_eq!(q as usize % align, 0, "{size} bytes at {align}");
                    MiMalloc.dealloc(q, layout);
                }
            }
        }
    }
}

//! The `g8audit` binary: parse, run, exit with the code the run chose.

/// mimalloc instead of glibc's allocator: reading and writing a large register makes tens of
/// millions of small allocations, and glibc's spent a third of the run in `malloc`, `free`,
/// `malloc_consolidate` and the page faults of memory it returned and took back
/// (`docs/performance.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its number in mimalloc 2 and 3, which `libmimalloc-sys`
/// does not name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // A run builds its structures once and frees them at exit. By default mimalloc hands memory
    // it has freed back to the operating system after 10 ms, and takes it back zeroed, page by
    // page, on the next allocation: on a 250,000-User register a quarter of the run went to the
    // kernel's page faults. Keeping freed memory for reuse costs nothing in peak memory.
    // SAFETY: sets one integer option of the allocator, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    std::process::exit(g8audit::cmd::main());
}

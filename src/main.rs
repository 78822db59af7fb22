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
    // How long mimalloc keeps memory it has freed before handing it back to the operating
    // system. Never (an earlier choice) kept the freed raw cells of a large register (1 GB at
    // 1,000,000 Users) in the resident set for the rest of the run: mimalloc does not reuse a
    // freed block that large for the small ones the rules allocate next. After a second (which
    // is mimalloc 3's own default, set here so an upgrade does not change it), the churn of a
    // stage is still reused in place, and the 1,000,000-User CSV run peaks 0.7 GB lower, at the
    // same speed (docs/performance.md).
    // SAFETY: sets one integer option of the allocator, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) };
    std::process::exit(g8audit::cmd::main());
}

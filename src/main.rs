//! The `g8audit` binary: parse, run, exit with the code the run chose.

/// mimalloc instead of glibc's allocator: reading and writing a large register makes tens of
/// millions of small allocations, and glibc's spent a third of the run in `malloc`, `free`,
/// `malloc_consolidate` and the page faults of memory it returned and took back
/// (`docs/performance.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(g8audit::cmd::main());
}

//! OpenSSL's heap on mimalloc: every handshake makes several hundred small allocations inside
//! OpenSSL (the issue-15 profile counted ~660), and glibc's malloc/free was ~13 % of a bare
//! handshake's CPU. The binaries make mimalloc Rust's global allocator; this points OpenSSL's
//! `CRYPTO_malloc` family at the same allocator, so both sides share its per-thread heaps.

use std::os::raw::{c_char, c_int, c_void};

type Malloc = unsafe extern "C" fn(usize, *const c_char, c_int) -> *mut c_void;
type Realloc = unsafe extern "C" fn(*mut c_void, usize, *const c_char, c_int) -> *mut c_void;
type Free = unsafe extern "C" fn(*mut c_void, *const c_char, c_int);

extern "C" {
    // OpenSSL ≥ 1.1 (libcrypto); `openssl-sys` does not bind it. Returns 0, changing nothing,
    // once OpenSSL has allocated anything.
    fn CRYPTO_set_mem_functions(m: Option<Malloc>, r: Option<Realloc>, f: Option<Free>) -> c_int;
}

unsafe extern "C" fn malloc(size: usize, _file: *const c_char, _line: c_int) -> *mut c_void {
    // SAFETY: mi_malloc has malloc's contract; OpenSSL asks for `size` bytes.
    unsafe { libmimalloc_sys::mi_malloc(size) }
}

unsafe extern "C" fn realloc(
    ptr: *mut c_void,
    size: usize,
    _file: *const c_char,
    _line: c_int,
) -> *mut c_void {
    // SAFETY: `ptr` is null or came from `malloc`/`realloc` above: OpenSSL refuses new
    // functions once it has allocated, so no pointer from another allocator reaches here.
    unsafe { libmimalloc_sys::mi_realloc(ptr, size) }
}

unsafe extern "C" fn free(ptr: *mut c_void, _file: *const c_char, _line: c_int) {
    // SAFETY: as for `realloc`; mi_free accepts null.
    unsafe { libmimalloc_sys::mi_free(ptr) }
}

/// Routes OpenSSL's allocations to mimalloc. Call it first thing in `main`, before anything
/// touches OpenSSL; returns `false` (and changes nothing) if OpenSSL has allocated already.
pub fn use_mimalloc() -> bool {
    // SAFETY: the three functions above are a consistent malloc/realloc/free triple, and
    // OpenSSL only installs them while it holds no memory from another allocator.
    unsafe { CRYPTO_set_mem_functions(Some(malloc), Some(realloc), Some(free)) == 1 }
}

#[cfg(test)]
mod tests {
    #[test]
    fn too_late_once_openssl_has_allocated() {
        // Any OpenSSL object allocates; after that the switch must be refused, never half-done.
        let _digest = openssl::sha::sha256(b"x");
        let _ctx = openssl::ssl::SslContext::builder(openssl::ssl::SslMethod::tls()).unwrap();
        assert!(!super::use_mimalloc());
    }
}

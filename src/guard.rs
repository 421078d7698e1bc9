//! A last line against panics in the libraries wirecompat drives
//! (prost-reflect, apache-avro, avdl, jsonschema) on hostile input: the
//! call runs under `catch_unwind`, the panic's message becomes an input
//! error, and nothing is printed (a panic hook, installed once, stays quiet
//! while a guarded call runs on its thread and defers to the previous hook
//! otherwise).

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

fn install() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(|g| g.get()) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic inside it is returned as `Err` with its message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install();
    GUARDED.with(|g| g.set(g.get() + 1));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    r.map_err(|e| {
        e.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error() {
        let r: Result<(), String> = super::catch(|| panic!("boom {}", 1));
        assert_eq!(r, Err("boom 1".to_string()));
        assert_eq!(super::catch(|| 5), Ok(5));
    }
}

//! Where the log goes: standard error, in batches. Every request logs one line, and writing
//! each line with its own `write(2)` was one syscall per request on the hot path; here lines
//! collect in memory and go out together every [`FLUSH_EVERY`], or at once when
//! [`FLUSH_AT`] bytes are waiting. Warnings and errors are written at once, with everything
//! queued before them, so nothing an operator must see waits. [`LogSink::flush`] writes
//! what is left (`main` calls it on the way out).

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// Longest an info line waits before it is written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Queued bytes that make the next line write everything at once.
pub const FLUSH_AT: usize = 32 * 1024;

/// The shared queue of formatted lines; cheap to clone.
#[derive(Clone)]
pub struct LogSink {
    queue: Arc<Mutex<Vec<u8>>>,
    /// Where flushed bytes go instead of standard error (tests).
    out: Option<Arc<Mutex<Vec<u8>>>>,
}

impl LogSink {
    /// A sink on standard error with its flushing thread running.
    pub fn stderr() -> Self {
        let sink = Self {
            queue: Arc::new(Mutex::new(Vec::with_capacity(FLUSH_AT))),
            out: None,
        };
        let flusher = sink.clone();
        // Detached: it sleeps between flushes and ends with the process.
        let spawned = std::thread::Builder::new()
            .name("log-flush".into())
            .spawn(move || loop {
                std::thread::sleep(FLUSH_EVERY);
                flusher.flush();
            });
        if spawned.is_err() {
            eprintln!("gemwiki: no log flushing thread; log lines may wait until 32 KiB pile up");
        }
        sink
    }

    /// Writes every queued line to standard error now.
    pub fn flush(&self) {
        let pending = match self.queue.lock() {
            Ok(mut queue) if !queue.is_empty() => std::mem::take(&mut *queue),
            _ => return,
        };
        // The lock is released before the write, so logging threads never wait on the disk.
        self.write_out(&pending);
    }

    fn write_out(&self, bytes: &[u8]) {
        match &self.out {
            None => {
                let _ = io::stderr().lock().write_all(bytes);
            }
            Some(out) => {
                if let Ok(mut out) = out.lock() {
                    out.extend_from_slice(bytes);
                }
            }
        }
    }

    fn push(&self, line: &[u8], urgent: bool) {
        let full = match self.queue.lock() {
            Ok(mut queue) => {
                queue.extend_from_slice(line);
                queue.len() >= FLUSH_AT
            }
            // A panic while holding the queue: write this line directly rather than lose it.
            Err(_) => {
                self.write_out(line);
                return;
            }
        };
        if full || urgent {
            self.flush();
        }
    }
}

/// One event's formatted text; handed to the queue when the formatter drops it.
pub struct Line {
    sink: LogSink,
    text: Vec<u8>,
    urgent: bool,
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if !self.text.is_empty() {
            self.sink.push(&self.text, self.urgent);
        }
    }
}

impl<'a> MakeWriter<'a> for LogSink {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        self.line(false)
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line {
        self.line(*meta.level() <= Level::WARN)
    }
}

impl LogSink {
    fn line(&self, urgent: bool) -> Line {
        Line {
            sink: self.clone(),
            text: Vec::with_capacity(256),
            urgent,
        }
    }

    /// The queued bytes (for tests).
    #[cfg(test)]
    fn queued(&self) -> Vec<u8> {
        self.queue.lock().unwrap().clone()
    }

    /// A sink without its thread, writing to `out`.
    #[cfg(test)]
    fn unstarted(out: Arc<Mutex<Vec<u8>>>) -> Self {
        Self {
            queue: Arc::new(Mutex::new(Vec::new())),
            out: Some(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_lines_wait_and_warnings_flush_everything_before_them() {
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = LogSink::unstarted(Arc::clone(&out));
        writeln!(sink.line(false), "one").unwrap();
        writeln!(sink.line(false), "two").unwrap();
        assert_eq!(sink.queued(), b"one\ntwo\n");
        assert!(out.lock().unwrap().is_empty());
        writeln!(sink.line(true), "warning").unwrap();
        assert!(
            sink.queued().is_empty(),
            "an urgent line writes the queue out"
        );
        assert_eq!(*out.lock().unwrap(), b"one\ntwo\nwarning\n");
        writeln!(sink.line(false), "three").unwrap();
        sink.flush();
        assert_eq!(*out.lock().unwrap(), b"one\ntwo\nwarning\nthree\n");
    }

    #[test]
    fn a_full_queue_is_written_at_once() {
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = LogSink::unstarted(Arc::clone(&out));
        let long = vec![b'x'; FLUSH_AT - 1];
        sink.line(false).write_all(&long).unwrap();
        assert_eq!(sink.queued().len(), FLUSH_AT - 1);
        writeln!(sink.line(false), "over").unwrap();
        assert!(sink.queued().is_empty());
        assert_eq!(out.lock().unwrap().len(), FLUSH_AT + 4);
    }
}

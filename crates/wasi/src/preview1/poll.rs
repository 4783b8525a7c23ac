//! `poll_oneoff`: waits until at least one subscription is ready and
//! reports every ready one.
//!
//! - Clock subscriptions (realtime or monotonic, relative or absolute) are
//!   ready once their deadline has passed; other clock ids are `EINVAL`.
//! - Regular files are always ready (read: `nbytes` = bytes left after the
//!   offset, where wasmtime reports 1, with `FD_READWRITE_HANGUP` at end of
//!   file; write: ready).
//! - Host stdin and sockets are polled with `poll(2)`; in-memory stdio and
//!   host stdout/stderr are always ready.
//! - A subscription on a descriptor that cannot be polled (a directory, a
//!   closed fd) fails the whole call with `EBADF`, as in wasmtime.
//! - Zero subscriptions is `EINVAL` (wasmtime: "indefinite sleeping is not
//!   supported").
//! - An undefined event type, clock id or clock flag in a subscription is
//!   `EINVAL` (wasmtime reads subscriptions from memory, where undefined
//!   values are errnos, not [`crate::GuestError`]s).
//! - Subscriptions are read one by one, events written once the wait is
//!   over, as in wasmtime: a bad pointer names the field that failed.

use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::time::{Duration, Instant};

use super::clock::now;
use crate::abi::{
    clockid, event_layout as ev, eventrwflags, eventtype, subclockflags, subscription_layout as sub,
};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::fdtable::Descriptor;
use crate::guest::{CallResult, writing};
use crate::memory::{GuestMemory, GuestResult};
use crate::preview1::field;
use crate::sys;

/// One decoded subscription.
#[derive(Debug)]
struct Subscription {
    userdata: u64,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Clock { deadline: Instant },
    Fd { event: u8, readiness: Readiness },
}

/// How an fd subscription becomes ready.
#[derive(Debug)]
enum Readiness {
    /// Ready now, with this `nbytes` and these flags.
    Now { nbytes: u64, flags: u16 },
    /// Ready when `poll(2)` says so for this host fd.
    Host(RawFd),
}

/// An event to report.
#[derive(Debug, Clone, Copy)]
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
    flags: u16,
}

impl WasiCtx {
    /// `poll_oneoff(in, out, nsubscriptions) -> nevents`.
    pub fn poll_oneoff(
        &mut self,
        mem: &mut GuestMemory<'_>,
        subs: u32,
        events: u32,
        count: u32,
        result: u32,
    ) -> CallResult<()> {
        if count == 0 {
            return Err(Errno::Inval.into());
        }
        let start = Instant::now();
        // A count beyond what memory can hold fails on the first
        // subscription outside it; it must not size the allocation.
        let room = mem.len() / sub::SIZE as usize;
        let mut decoded = Vec::with_capacity((count as usize).min(room));
        for i in 0..count {
            let at = i
                .checked_mul(sub::SIZE)
                .and_then(|offset| subs.checked_add(offset))
                .ok_or(crate::GuestErrorKind::PtrOverflow)
                .map_err(crate::GuestError::from)?;
            decoded.push(self.decode(mem, at, start)?);
        }

        let ready = wait(&decoded)?;
        let mut at = events;
        for event in &ready {
            write_event(mem, at, event)?;
            at = field(at, ev::SIZE)?;
        }
        Ok(mem
            .write_u32(result, ready.len() as u32)
            .map_err(writing("size"))?)
    }

    fn decode(&self, mem: &GuestMemory<'_>, at: u32, start: Instant) -> CallResult<Subscription> {
        let userdata = mem.read_u64(field(at, sub::USERDATA)?)?;
        let kind = match mem.read_u8(field(at, sub::TAG)?)? {
            eventtype::CLOCK => {
                let id = mem.read_u32(field(at, sub::CLOCK_ID)?)?;
                let timeout = mem.read_u64(field(at, sub::CLOCK_TIMEOUT)?)?;
                let flags = mem.read_u16(field(at, sub::CLOCK_FLAGS)?)?;
                if flags & !subclockflags::ABSTIME != 0 {
                    return Err(Errno::Inval.into());
                }
                let wait = if flags & subclockflags::ABSTIME != 0 {
                    match id {
                        clockid::REALTIME | clockid::MONOTONIC => timeout.saturating_sub(now(id)?),
                        _ => return Err(Errno::Inval.into()),
                    }
                } else {
                    match id {
                        clockid::REALTIME | clockid::MONOTONIC => timeout,
                        _ => return Err(Errno::Inval.into()),
                    }
                };
                let deadline = start
                    .checked_add(Duration::from_nanos(wait))
                    .unwrap_or(start + Duration::from_secs(u32::MAX as u64));
                Kind::Clock { deadline }
            }
            event @ (eventtype::FD_READ | eventtype::FD_WRITE) => {
                let fd = mem.read_u32(field(at, sub::FD)?)?;
                Kind::Fd {
                    event,
                    readiness: self.readiness(fd, event == eventtype::FD_READ)?,
                }
            }
            _ => return Err(Errno::Inval.into()),
        };
        Ok(Subscription { userdata, kind })
    }

    fn readiness(&self, fd: u32, read: bool) -> WasiResult<Readiness> {
        let always = Readiness::Now {
            nbytes: 1,
            flags: 0,
        };
        Ok(match (self.table.get(fd)?, read) {
            (Descriptor::Stdin(input), true) => match input.host_fd() {
                Some(fd) => Readiness::Host(fd),
                None => always,
            },
            (Descriptor::Stdout(_) | Descriptor::Stderr(_), false) => always,
            (Descriptor::File(file), true) => {
                let size = sys::fstat(file.fd.as_fd())?.size;
                let nbytes = size.saturating_sub(file.position);
                let flags = if nbytes == 0 {
                    eventrwflags::FD_READWRITE_HANGUP
                } else {
                    0
                };
                Readiness::Now { nbytes, flags }
            }
            (Descriptor::File(_), false) => always,
            (Descriptor::Stream(stream), _) => Readiness::Host(stream.as_raw_fd()),
            (Descriptor::Listener(listener), true) => Readiness::Host(listener.as_raw_fd()),
            _ => return Err(Errno::Badf),
        })
    }
}

/// Blocks until at least one subscription is ready; returns the events of
/// all ready ones, in subscription order.
fn wait(subs: &[Subscription]) -> WasiResult<Vec<Event>> {
    let host: Vec<usize> = (0..subs.len())
        .filter(|&i| {
            matches!(
                subs[i].kind,
                Kind::Fd {
                    readiness: Readiness::Host(_),
                    ..
                }
            )
        })
        .collect();
    let immediate = subs.iter().any(|s| {
        matches!(
            s.kind,
            Kind::Fd {
                readiness: Readiness::Now { .. },
                ..
            }
        )
    });
    let earliest = subs
        .iter()
        .filter_map(|s| match s.kind {
            Kind::Clock { deadline } => Some(deadline),
            Kind::Fd { .. } => None,
        })
        .min();

    loop {
        let mut pollfds: Vec<libc::pollfd> = host
            .iter()
            .map(|&i| match &subs[i].kind {
                Kind::Fd {
                    event,
                    readiness: Readiness::Host(fd),
                } => libc::pollfd {
                    fd: *fd,
                    events: if *event == eventtype::FD_READ {
                        libc::POLLIN
                    } else {
                        libc::POLLOUT
                    },
                    revents: 0,
                },
                _ => unreachable!("filtered to host fds"),
            })
            .collect();
        let timeout_ms = if immediate {
            0
        } else {
            match earliest {
                None => -1,
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    // Round up so a wake-up never comes before the deadline.
                    left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32
                }
            }
        };
        if pollfds.is_empty() && timeout_ms > 0 {
            sleep_until(earliest.expect("a positive timeout comes from a clock"));
        } else {
            match sys::poll(&mut pollfds, timeout_ms) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => {
                    other?;
                }
            }
        }

        let now = Instant::now();
        let mut events = Vec::new();
        let mut host_results = pollfds.iter();
        for s in subs {
            match &s.kind {
                Kind::Clock { deadline } => {
                    if *deadline <= now {
                        events.push(Event {
                            userdata: s.userdata,
                            error: Errno::Success,
                            kind: eventtype::CLOCK,
                            nbytes: 0,
                            flags: 0,
                        });
                    }
                }
                Kind::Fd { event, readiness } => {
                    let ready = match readiness {
                        Readiness::Now { nbytes, flags } => Some((*nbytes, *flags)),
                        Readiness::Host(fd) => {
                            let revents = host_results.next().map_or(0, |p| p.revents);
                            host_event(*fd, *event, revents)
                        }
                    };
                    if let Some((nbytes, flags)) = ready {
                        events.push(Event {
                            userdata: s.userdata,
                            error: Errno::Success,
                            kind: *event,
                            nbytes,
                            flags,
                        });
                    }
                }
            }
        }
        if !events.is_empty() {
            return Ok(events);
        }
    }
}

/// Interprets `poll(2)` results for one host fd.
fn host_event(fd: RawFd, event: u8, revents: i16) -> Option<(u64, u16)> {
    if revents == 0 {
        return None;
    }
    let hangup = if revents & (libc::POLLHUP | libc::POLLERR) != 0 {
        eventrwflags::FD_READWRITE_HANGUP
    } else {
        0
    };
    let nbytes = if event == eventtype::FD_READ {
        sys::readable_bytes(fd).unwrap_or(1)
    } else {
        1
    };
    Some((nbytes, hangup))
}

fn sleep_until(deadline: Instant) {
    let now = Instant::now();
    if deadline > now {
        std::thread::sleep(deadline - now);
    }
}

/// Writes an `event` field by field, as wasmtime does (padding left alone;
/// clock events have zero `nbytes` and flags).
fn write_event(mem: &mut GuestMemory<'_>, at: u32, event: &Event) -> GuestResult<()> {
    let (nbytes, flags) = if event.kind == eventtype::CLOCK {
        (0, 0)
    } else {
        (event.nbytes, event.flags)
    };
    mem.write_u64(field(at, ev::USERDATA)?, event.userdata)?;
    mem.write_u16(field(at, ev::ERROR)?, event.error.raw())?;
    mem.write_u8(field(at, ev::TYPE)?, event.kind)?;
    mem.write_u64(field(at, ev::NBYTES)?, nbytes)?;
    mem.write_u16(field(at, ev::FLAGS)?, flags)
}

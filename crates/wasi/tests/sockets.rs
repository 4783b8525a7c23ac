//! `sock_*` with and without a listening socket handed in by the host.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use common::{Outcome, assert_lines, run};

#[test]
fn without_a_socket_every_call_fails_with_the_right_errno() {
    let r = run("sockets", &[], |b| b);
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    assert_lines(
        &r.stdout,
        "accept stdin: NOTSOCK
accept closed fd: BADF
recv stdin: NOTSOCK
send stdout: NOTSOCK
send closed fd: BADF
shutdown stderr: NOTSOCK
shutdown closed fd: BADF
",
    );
}

#[test]
fn a_listener_handed_in_serves_one_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(b"hello wasm\n").unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    });
    let r = run("sockets", &["serve"], |b| b.tcp_listener(listener));
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    assert_lines(
        &r.stdout,
        r#"fd 3 type=6
recv on listener: NOTCONN
accept bad flags: INVAL
accepted fd 4
conn type=6
received "hello wasm"
sent 17 bytes
shutdown bad how: INVAL
shutdown write: SUCCESS
close: SUCCESS
"#,
    );
    assert_eq!(client.join().unwrap(), "echo: HELLO WASM\n");
}

//! `cargo xtask serve [--port N]`: builds the page and serves it on 127.0.0.1 until Ctrl-C.
//!
//! A deliberately tiny HTTP/1.1 server, one thread per connection: `GET` or `HEAD` of `/` or of
//! the page's file name returns the page, anything else a 404. It never lists directories and
//! never reads another file. The page is read again for every request, so a `cargo xtask dist`
//! in another terminal shows at once.

use crate::util::{Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 8080;

pub fn serve(port: u16) -> Result<()> {
    let page = crate::dist::dist()?.page;
    let listener = TcpListener::bind(("127.0.0.1", port)).context(format!("cannot listen on 127.0.0.1:{port}"))?;
    let name = page.file_name().unwrap().to_string_lossy().into_owned();
    println!("\nServing http://127.0.0.1:{port}/ (also /{name}); press Ctrl-C to stop.");
    println!("Or open this file straight from disk: {}", page.display());
    for stream in listener.incoming() {
        match stream {
            // A thread per connection: a browser's idle speculative connection must not hold up
            // the real request behind it.
            Ok(stream) => {
                let (page, name) = (page.clone(), name.clone());
                std::thread::spawn(move || {
                    if let Err(err) = answer(stream, &page, &name) {
                        eprintln!("serve: {err}");
                    }
                });
            }
            Err(err) => eprintln!("serve: cannot accept a connection: {err}"),
        }
    }
    Ok(())
}

/// Reads one request and writes one response, then closes the connection.
fn answer(stream: TcpStream, page: &Path, name: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers; nothing in them changes the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let (status, content_type, body) = if method != "GET" && method != "HEAD" {
        ("405 Method Not Allowed", "text/plain; charset=utf-8", b"Only GET and HEAD.\n".to_vec())
    } else if path == "/" || path.strip_prefix('/') == Some(name) {
        match std::fs::read(page) {
            Ok(bytes) => ("200 OK", "text/html; charset=utf-8", bytes),
            Err(_) => ("404 Not Found", "text/plain; charset=utf-8", b"The page is not built.\n".to_vec()),
        }
    } else {
        ("404 Not Found", "text/plain; charset=utf-8", b"Not found.\n".to_vec())
    };
    println!("{method} {target} -> {status}");
    let mut stream = reader.into_inner();
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

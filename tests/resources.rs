//! Inputs built to exhaust a careless parser: deep nesting, very long lines, very many tiny
//! objects, random bytes, tables wider than any console. Each must give a report that says what
//! happened; none may overflow the stack or abort. The hostile shapes must also take time that
//! grows linearly with the input (checked by the ratio of two sizes, never by a time limit) and
//! memory within a multiple of it (counted by this binary's allocator). How fast a check is, is
//! measured by `cargo xtask bench`.

use hybridcheck::{check, check_text, Input, InputData};

/// A small deterministic generator, so that failures reproduce.
fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn codes(report: &hybridcheck::report::Report) -> Vec<&str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn one_megabyte_of_random_bytes_is_reported_as_not_recognised() {
    let bytes = random_bytes(1 << 20, 0x9E37_79B9_7F4A_7C15);
    let report = check(vec![Input { name: "random.bin", data: InputData::Bytes(bytes.into()) }]);
    assert!(report.findings.is_empty());
    let diagnostic =
        report.diagnostics.iter().find(|d| d.code == "no-recognized-input").expect("a no-recognized-input diagnostic");
    assert!(diagnostic.message.contains("binary"), "{}", diagnostic.message);
    assert!(
        diagnostic.commands.iter().any(|c| c.text().contains("Get-ReceiveConnector")),
        "the hint gives the command to paste instead: {:?}",
        diagnostic.commands
    );
    assert_eq!(report.exit_code(), 2);
    assert!(report.unrecognized.len() > 1000);
}

#[test]
fn deeply_nested_json_is_refused_with_a_diagnostic() {
    let text = "[".repeat(200_000) + &"]".repeat(200_000);
    let report = check_text(&text);
    assert!(codes(&report).contains(&"malformed-json"), "{:?}", codes(&report));
}

#[test]
fn deeply_nested_clixml_is_refused_with_a_diagnostic() {
    let mut text =
        String::from("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n");
    text.push_str(&"<Obj RefId=\"0\"><Props>".repeat(100_000));
    text.push_str(&"</Props></Obj>".repeat(100_000));
    text.push_str("\n</Objs>\n");
    let report = check_text(&text);
    assert!(codes(&report).contains(&"malformed-xml"), "{:?}", codes(&report));
}

#[test]
fn a_clixml_document_of_broken_ref_tags_is_refused_with_a_diagnostic() {
    // Tags that never close: each `<Ref ` is looked at up to the next `<`, not to the end.
    let mut text =
        String::from("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n");
    text.push_str(&"<Ref N=\"Id\" RefId=\"1\" ".repeat(200_000));
    let report = check_text(&text);
    assert!(codes(&report).contains(&"malformed-xml"), "{:?}", codes(&report));
}

#[test]
fn a_twenty_megabyte_line_is_read() {
    let value = "x".repeat(20 << 20);
    let text = format!("Identity              : EX01\\Default Frontend EX01\nTlsDomainCapabilities : {{{value}}}\n");
    let report = check_text(&text);
    assert_eq!(report.objects.len(), 1);
    assert!(report.unrecognized.is_empty());
}

#[test]
fn half_a_million_tiny_objects_are_read() {
    let text = "Name : x\n\n".repeat(500_000);
    let report = check_text(&text);
    assert_eq!(report.objects.len(), 500_000);
    assert!(report.unrecognized.is_empty());
    assert!(codes(&report).contains(&"no-recognized-input"));
}

#[test]
fn a_hundred_thousand_prompts_are_read() {
    let text = "[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl\n".repeat(100_000);
    let report = check_text(&text);
    assert!(report.unrecognized.is_empty());
    assert_eq!(report.inputs[0].sections.len(), 100_000);
}

#[test]
fn thousands_of_servers_without_their_certificates_make_one_diagnostic() {
    let text: String = (1..=2000)
        .map(|i| {
            format!(
                "Identity              : EX{i:04}\\Default Frontend EX{i:04}\n\
                 TlsDomainCapabilities : {{mail.protection.outlook.com:AcceptCloudServicesMail}}\n\
                 TlsCertificateName    : <I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com\n\n"
            )
        })
        .collect();
    let report = check_text(&text);
    let not_pasted: Vec<_> = report.diagnostics.iter().filter(|d| d.code == "certificates-not-pasted").collect();
    assert_eq!(not_pasted.len(), 1, "one diagnostic, not one per server");
    let d = not_pasted[0];
    assert!(d.message.contains("2000 servers ('EX0001', 'EX0002', 'EX0003' and 1997 more)"), "{}", d.message);
    assert!(d.message.contains("the certificates that 2000 objects name"), "{}", d.message);
    assert!(
        d.commands[0].text().starts_with("Get-ExchangeCertificate -Server 'EX0001' | Format-List Thumbprint,"),
        "{:?}",
        d.commands
    );
    assert_eq!(d.commands.len(), 10, "the commands for the first ten servers, not two thousand");
    assert_eq!(d.line, Some(3));
}

/// The hybrid configuration names its certificate for every transport server it lists.
fn hybrid_configuration(sending: &str, edge: &str) -> String {
    format!(
        "[PS] C:\\Windows\\system32>Get-HybridConfiguration\n\n\
         EdgeTransportServers      : {{{edge}}}\n\
         ReceivingTransportServers : {{{sending}}}\n\
         SendingTransportServers   : {{{sending}}}\n\
         OnPremisesSmartHost       : mail.contoso.com\n\
         TlsCertificateName        : <I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com\n\
         Name                      : Hybrid Configuration\n\
         Identity                  : Hybrid Configuration\n"
    )
}

#[test]
fn one_object_that_names_many_servers_is_counted_once() {
    let report = check_text(&hybrid_configuration("EX01, EX02, EX03, EX04, EX05, EX06", ""));
    let not_pasted: Vec<_> = report.diagnostics.iter().filter(|d| d.code == "certificates-not-pasted").collect();
    assert_eq!(not_pasted.len(), 1, "{not_pasted:?}");
    assert!(
        not_pasted[0].message.contains("6 servers ('EX01', 'EX02', 'EX03' and 3 more)"),
        "{}",
        not_pasted[0].message
    );
    assert!(not_pasted[0].message.contains("the certificate that one object names"), "{}", not_pasted[0].message);
}

#[test]
fn edge_transport_servers_keep_their_own_hint_among_many() {
    let report = check_text(&hybrid_configuration(
        "EDGE01, EDGE02, EDGE03, EDGE04, EDGE05, EDGE06",
        "EDGE01, EDGE02, EDGE03, EDGE04, EDGE05, EDGE06",
    ));
    let not_pasted: Vec<_> = report.diagnostics.iter().filter(|d| d.code == "certificates-not-pasted").collect();
    assert_eq!(not_pasted.len(), 6, "one per Edge server: {not_pasted:?}");
    for d in not_pasted {
        assert!(d.hint.contains("is an Edge Transport server") && !d.hint.contains("-Server"), "{}", d.hint);
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile shapes: time that grows linearly with the input, and memory within a multiple of it.
// ---------------------------------------------------------------------------------------------

/// Counts the bytes that the current thread has allocated and not yet freed, and the highest
/// that count reached since [`Peak::start`]: a check runs on the caller's thread, so its peak is
/// not blurred by the other tests of this binary running at the same time.
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    pub struct Counting;

    thread_local! {
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    fn add(bytes: isize) {
        // `try_with`: the thread's counters may already be gone while it exits.
        let _ = LIVE.try_with(|live| {
            let now = live.get() + bytes;
            live.set(now);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        });
    }

    // SAFETY: every call is passed on to the system allocator unchanged; only counted here.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            add(layout.size() as isize);
            unsafe { System.alloc(layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            add(layout.size() as isize);
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            add(-(layout.size() as isize));
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            add(new_size as isize - layout.size() as isize);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    /// Starts counting the peak from what is allocated now.
    pub fn start() {
        let live = LIVE.with(Cell::get);
        PEAK.with(|peak| peak.set(live));
    }

    /// The most bytes held at once since [`start`], beyond what was held then.
    pub fn since(start_live: isize) -> usize {
        (PEAK.with(Cell::get) - start_live).max(0) as usize
    }

    pub fn live() -> isize {
        LIVE.with(Cell::get)
    }
}

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// The most memory one check of `text` held at once, report included.
fn peak_memory(text: &str) -> usize {
    let before = counting::live();
    counting::start();
    drop(check_text(text));
    counting::since(before)
}

/// The CPU time of the calling thread: what it spent working, however busy the machine is.
#[cfg(unix)]
fn thread_time() -> std::time::Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec for the call to fill in.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    std::time::Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Elsewhere, the time since the first call.
#[cfg(not(unix))]
fn thread_time() -> std::time::Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

/// The time of one check of `text`, averaged over `repeats` checks in a row.
fn time_per_check(text: &str, repeats: u32) -> std::time::Duration {
    let started = thread_time();
    for _ in 0..repeats {
        drop(check_text(text));
    }
    (thread_time() - started) / repeats
}

/// How much memory a check may hold per byte of input, beyond [`MEMORY_SLACK`]. Tiny objects
/// are the costliest honest input: `Name : x` and a blank line, 10 bytes, make an object, a
/// record, a property and the report's entry for the object, about 48 bytes held per byte.
const MEMORY_PER_BYTE: usize = 64;
const MEMORY_SLACK: usize = 4 << 20;

/// Checks `make(n)` and `make(2 n)`: the larger must take less than three times as long as the
/// smaller (twice is linear; a quadratic reading takes four times), and neither may hold more
/// than [`MEMORY_PER_BYTE`] per byte of input. Each time is the thread's CPU time, best of five
/// runs of enough checks in a row to take some 30 ms, so that a busy machine does not decide.
fn assert_linear(shape: &str, make: impl Fn(usize) -> String, n: usize) {
    let small = make(n);
    let large = make(2 * n);
    assert!(large.len() > small.len() * 3 / 2, "{shape}: the generator must grow with n");
    let once = time_per_check(&small, 1).as_secs_f64();
    let repeats = (0.03 / once.max(1e-6)).ceil().clamp(1.0, 1000.0) as u32;
    let mut best = [std::time::Duration::MAX; 2];
    for _ in 0..5 {
        for (i, text) in [&small, &large].into_iter().enumerate() {
            best[i] = best[i].min(time_per_check(text, repeats));
        }
    }
    let peak = [peak_memory(&small), peak_memory(&large)];
    let ratio = best[1].as_secs_f64() / best[0].as_secs_f64().max(1e-9);
    eprintln!(
        "{shape}: {} and {} bytes took {:?} and {:?} (ratio {ratio:.2}, {repeats} checks a run), held {} and {} bytes at most",
        small.len(),
        large.len(),
        best[0],
        best[1],
        peak[0],
        peak[1]
    );
    assert!(ratio < 3.0, "{shape}: twice the input took {ratio:.2} times as long");
    for (text, held) in [(&small, peak[0]), (&large, peak[1])] {
        let bound = MEMORY_PER_BYTE * text.len() + MEMORY_SLACK;
        assert!(held <= bound, "{shape}: {} bytes of input held {held} bytes at once (bound {bound})", text.len());
    }
}

/// Names of receive connector properties, as a real table's labels would be.
const LABELS: [&str; 12] = [
    "Identity",
    "Bindings",
    "Enabled",
    "Fqdn",
    "AuthMechanism",
    "PermissionGroups",
    "RemoteIPRanges",
    "TlsCertificateName",
    "TlsDomainCapabilities",
    "TransportRole",
    "MaxMessageSize",
    "Comment",
];

/// The label of column `i` of a wide table: the real names first, then made-up ones.
fn label(i: usize) -> String {
    LABELS.get(i).map_or_else(|| format!("Extra{i}"), |l| (*l).to_owned())
}

/// A Format-Table as wide as it is long: `n` columns, and `n` rows that fill only the first.
fn wide_table(n: usize) -> String {
    let labels: Vec<String> = (0..n).map(label).collect();
    let mut text = labels.join(" ") + "\n";
    text += &labels.iter().map(|l| "-".repeat(l.len())).collect::<Vec<_>>().join(" ");
    text.push('\n');
    for row in 0..n {
        text += &format!("EX{row:04}\\Default EX{row:04}\n");
    }
    text
}

#[test]
fn a_table_as_wide_as_it_is_long_is_read_in_linear_time_and_memory() {
    assert_linear("wide Format-Table", wide_table, 600);
}

/// An Export-Csv as wide as it is long: `n` quoted names, and `n` rows of one quoted field.
fn wide_csv(n: usize) -> String {
    let mut text: String = (0..n).map(|i| format!("\"{}\"", label(i))).collect::<Vec<_>>().join(",") + "\n";
    for row in 0..n {
        text += &format!("\"EX{row:04}\\Default EX{row:04}\"\n");
    }
    text
}

#[test]
fn a_csv_as_wide_as_it_is_long_is_read_in_linear_time_and_memory() {
    assert_linear("wide Export-Csv", wide_csv, 600);
}

#[test]
fn tiny_objects_are_read_in_linear_time_and_memory() {
    assert_linear("tiny Format-List objects", |n| "Name : x\n\n".repeat(n), 20_000);
}

/// One warning that the console wrapped over `n` lines of 100 characters.
fn long_warning(n: usize) -> String {
    let mut text = format!("WARNING: {}\n", "The operation could not be performed because ".repeat(3));
    for i in 0..n {
        text += &format!("{:0<100}\n", format!("continued{i}"));
    }
    text
}

#[test]
fn a_warning_wrapped_over_thousands_of_lines_is_read_in_linear_time() {
    assert_linear("wrapped WARNING", long_warning, 1500);
}

/// `n` small Export-Clixml documents in one paste, each of which repeats one object by `<Ref>`
/// until its copies would fill a megabyte.
fn many_clixml_documents(n: usize) -> String {
    let mut text = String::new();
    for _ in 0..n {
        text.push_str("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n");
        text += &format!("<Obj RefId=\"0\"><Props><S N=\"Identity\">{}</S></Props></Obj>\n", "x".repeat(1000));
        for level in 1..=10 {
            text += &format!(
                "<Obj RefId=\"{level}\"><Props><Ref N=\"Identity\" RefId=\"{}\" /><Ref N=\"Id\" RefId=\"{}\" /></Props></Obj>\n",
                level - 1,
                level - 1
            );
        }
        text.push_str("</Objs>\n");
    }
    text
}

#[test]
fn many_small_clixml_documents_share_one_reference_budget() {
    assert_linear("Export-Clixml documents", many_clixml_documents, 40);
}

/// `n` Export-Clixml documents of one connector each, whose `Id` repeats its `Identity` by
/// `<Ref>` as every real export does: each document is read on its own, not with the rest of
/// the paste after it.
fn clixml_documents_in_a_row(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text += &format!(
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n\
             <Obj RefId=\"0\"><TN RefId=\"0\"><T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T></TN><Props>\n\
             <Obj N=\"Identity\" RefId=\"1\"><ToString>EX{i:04}\\Default Frontend EX{i:04}</ToString></Obj>\n\
             <Ref N=\"Id\" RefId=\"1\" />\n\
             </Props></Obj>\n\
             </Objs>\n"
        );
    }
    text
}

#[test]
fn clixml_documents_in_a_row_are_read_in_linear_time() {
    assert_linear("Export-Clixml documents in a row", clixml_documents_in_a_row, 500);
}

/// A message-tracking dump of one error, `lines` lines long: the shape of a queue that filled
/// up with one failure. `error` is the status text of every line.
fn tracking_dump_of_one_error(lines: usize, error: &str) -> String {
    (0..lines)
        .map(|i| {
            format!(
                "2026-11-27T09:{:02}:{:02}.{:03}Z  EX01  SMTP  DEFER  <{i:08}@contoso.com>  anna.berg@contoso.com  {error}\n",
                i / 60 % 60,
                i % 60,
                i % 1000
            )
        })
        .collect()
}

#[test]
fn a_dump_of_one_error_is_scanned_in_linear_time() {
    const NOT_FOUND: &str =
        "454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.";
    // An error whose symptom needs further words near it, so that the words are looked up for
    // every line.
    const NO_STARTTLS: &str =
        "451 4.4.0 Primary target IP address responded with: \"451 5.7.3 STARTTLS is required to send mail.\"";
    for error in [NOT_FOUND, NO_STARTTLS] {
        assert_linear("a dump of one error", |lines| tracking_dump_of_one_error(lines, error), 8_000);
    }
    let report = check_text(&tracking_dump_of_one_error(16_000, NOT_FOUND));
    let finding = report.findings.iter().find(|f| f.rule == "symptom").expect("a symptom finding");
    assert_eq!(finding.evidence.len(), 3, "three lines of evidence, not thousands");
    assert!(finding.message.contains("on 16000 lines"), "{}", finding.message);
    assert!(finding.message.contains("15997 more"), "{}", finding.message);
    assert!(report.objects.len() <= 10, "a few objects for the symptom, not one per line: {}", report.objects.len());
    assert!(report.unrecognized.is_empty(), "every line is read by the symptom section");
    assert_eq!(report.inputs[0].sections.len(), 1, "one section for the dump, not one per line");
}

/// `n` receiving servers, all named by the hybrid configuration, each with a Default Frontend
/// connector (every other one without the Exchange Online entry, each naming its own certificate)
/// and a relay connector that takes one of Exchange Online's ranges: the receive-connector rules
/// compare the servers with one another and each server's connectors with one another.
fn receiving_servers(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("EX{i:05}")).collect();
    let mut text =
        format!("ReceivingTransportServers : {{{}}}\nSendingTransportServers   : {{}}\n\n", names.join(", "));
    for (i, name) in names.iter().enumerate() {
        let caps = if i % 2 == 0 { "{mail.protection.outlook.com:AcceptCloudServicesMail}" } else { "{}" };
        text += &format!(
            "Identity              : {name}\\Default Frontend {name}\nTransportRole         : FrontendTransport\n\
             Bindings              : {{[::]:25, 0.0.0.0:25}}\nRemoteIPRanges        : {{::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, 0.0.0.0-255.255.255.255}}\n\
             AuthMechanism         : Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer\n\
             TlsCertificateName    : <I>CN=Contoso CA {i}<S>CN=mail.contoso.com\nTlsDomainCapabilities : {caps}\n\n\
             Identity              : {name}\\Relay {name}\nTransportRole         : FrontendTransport\n\
             Bindings              : {{0.0.0.0:25}}\nRemoteIPRanges        : {{10.{}.0.0/16, 104.47.{}.0/24}}\n\
             AuthMechanism         : None\nTlsDomainCapabilities : {{}}\n\n",
            i % 256,
            i % 128
        );
    }
    text
}

#[test]
fn many_receiving_servers_are_compared_in_linear_time() {
    let report = check_text(&receiving_servers(200));
    for rule in ["hybrid-receive-tls-inconsistent", "hybrid-receive-connector-selection"] {
        assert!(report.findings.iter().any(|f| f.rule == rule), "{rule} reports this paste");
    }
    assert_linear("receiving servers", receiving_servers, 500);
}

/// `n` servers, each with its TLS 1.2 keys in the collector's lists, a `reg query` of the
/// root-update policy, and a root store of two certificates: the registry and root rules group by
/// server, which must not cost a scan of every server for each key.
fn many_servers_registry_and_roots(n: usize) -> String {
    let mut text = String::new();
    for server in 0..n {
        for side in ["Client", "Server"] {
            text += &format!(
                "ComputerName      : EX{server:05}\nOperatingSystem   : Microsoft Windows Server 2019 Standard\nRegistryKey       : HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\{side}\nKeyExists         : True\nEnabled           : 0\nDisabledByDefault : 1\n\n"
            );
        }
        text += &format!(
            "\\\\EX{server:05}\\HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot\n    DisableRootAutoUpdate    REG_DWORD    0x1\n\n"
        );
        for thumbprint in ["CDD4EEAE6000AC7F40C3802C171E30148030C072", "D4DE20D05E66FC53FE1A50882C78DB2852CAE474"] {
            text += &format!(
                "ComputerName : EX{server:05}\nPSParentPath : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\Root\nThumbprint   : {thumbprint}\nSubject      : CN=Some Root\n\n"
            );
        }
    }
    text
}

#[test]
fn thousands_of_servers_with_registry_values_and_root_stores_are_read_in_linear_time_and_memory() {
    assert_linear("registry and root stores of many servers", many_servers_registry_and_roots, 1500);
}

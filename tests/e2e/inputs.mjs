// Inputs the browser tests make: a corpus of markup and script payloads in realistic
// Format-List output, and large realistic Get-ReceiveConnector output.

/** The legacy entry of KB 3156771, as Format-List shows it. */
export const LEGACY_ENTRY = '<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail';

/** Markup, script, URL, template and Unicode tricks. Each must end up as text, and none may run. */
export const XSS_PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '"><iframe srcdoc="<script>alert(1)</script>">',
  "{{constructor.constructor('alert(1)')()}}",
  '${alert(1)}',
  '" onmouseover="alert(1)" x="',
  "' autofocus onfocus='alert(1)",
  '</textarea><img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">click me</a>',
  '<a href=http://192.0.2.1/phish>Microsoft</a>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<object data="javascript:alert(1)"></object>',
  '<details open ontoggle=alert(1)>',
  '<style>@import "http://192.0.2.1/x.css";</style>',
  '<link rel=stylesheet href=http://192.0.2.1/x.css>',
  '<meta http-equiv="refresh" content="0;url=http://192.0.2.1/">',
  '<base href="http://192.0.2.1/">',
  '<form action=http://192.0.2.1/><button>go</button></form>',
  '&lt;img src=x onerror=alert(1)&gt;',
  '<!--<img src=x onerror=alert(1)>-->',
  'Inbound \u202egpj.exe',
  'Zero\u200bwidth \u2066isolate\u2069 <b>bold</b>',
];

/** A Format-List paste of one affected connector per payload: the payload in the identity, the
 * Comment, the certificate name and the capabilities; then the payloads again as lines that
 * are not Exchange output. */
export function xssTranscript() {
  const blocks = XSS_PAYLOADS.map((p, i) => [
    `Identity              : EX0${i % 3 + 1}\\${p}`,
    'TransportRole         : FrontendTransport',
    `TlsDomainCapabilities : {${LEGACY_ENTRY}, ${p}:AcceptCloudServicesMail}`,
    `TlsCertificateName    : <I>CN=${p}<S>CN=mail.contoso.com`,
    `Comment               : ${p}`,
    '',
  ].join('\r\n'));
  return [
    ...XSS_PAYLOADS,
    '',
    '[PS] C:\\Windows\\system32>Get-ReceiveConnector | Format-List Identity,TransportRole,TlsDomainCapabilities,TlsCertificateName,Comment',
    '',
    ...blocks,
    '',
  ].join('\r\n');
}

/**
 * Realistic `Get-ReceiveConnector | fl` output of at least `size` characters, made from `block`
 * (one affected connector). Every `every`-th connector keeps the legacy entry; the others have
 * the fixed value. Each connector gets its own 4-character server name in place of EX01, so no
 * line changes length and the console's wrapping stays as it was.
 *
 * Self-contained, so that it also runs in the page through `page.evaluate`: with `store`, the
 * text goes to `window[store]` and only the counts come back, not 50 MB through the protocol.
 */
export function receiveConnectors({ block, size, every, store }) {
  const fixed = block.replace(/\{<I>CN=MSIT[^}]*\}/s, '{mail.protection.outlook.com:AcceptCloudServicesMail}');
  if (fixed === block) throw new Error('the block has no legacy entry');
  const parts = ['[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl\r\n\r\n'];
  let length = parts[0].length;
  let connectors = 0;
  let affected = 0;
  while (length < size) {
    const server = 'X' + connectors.toString(36).toUpperCase().padStart(3, '0');
    const hit = connectors % every === 0;
    const text = (hit ? block : fixed).split('EX01').join(server);
    parts.push(text);
    length += text.length;
    connectors++;
    if (hit) affected++;
  }
  const text = parts.join('');
  if (!store) return { text, connectors, affected, length };
  globalThis[store] = text;
  return { connectors, affected, length };
}

/** The affected connector `EX01\Default Frontend EX01` of the acceptance transcript (issue 4),
 * every property of `Get-ReceiveConnector | fl`, with CRLF line ends. */
export function connectorBlock(acceptanceTranscript) {
  const lines = acceptanceTranscript.split('\r\n');
  const start = lines.findIndex((l, i) => l.startsWith('RunspaceId') && lines.slice(i, i + 80).some((m) => m.startsWith('Identity') && m.includes('Default Frontend EX01')));
  const end = lines.indexOf('', start);
  if (start < 0 || end < 0) throw new Error('no Default Frontend EX01 in the acceptance transcript');
  return lines.slice(start, end + 1).join('\r\n') + '\r\n';
}

/** Names that try to steer a command: quotes of every kind, backticks that would shift the marks
 * of code in prose, subexpressions, statement separators, splatting, and text beyond ASCII. */
export const COMMAND_PAYLOADS = [
  'Relay `$(Set-ReceiveConnector -PermissionGroups AnonymousUsers -AuthMechanism ExternalAuthoritative)`',
  "O'Brien \u2018quoted\u2019 \u201alow\u201b ''",
  'a;b|c&d#e <#x#>',
  '@(1) ${env:x} $null @splat',
  '`n`r`0 tick` and ``',
  'R\u00e9ception \u00d1$(Start-Process calc.exe)\u00d1',
  '\u201cdouble\u201d "plain" \u201ebase\u201d',
  '\u2013Identity \u2014Confirm:$false',
];

/**
 * A transcript whose connectors, send connector and servers carry COMMAND_PAYLOADS, made so that
 * every kind of command appears: full-list fixes (safe), cut lists (a multi-line fix and a guarded
 * rollback), a certificate fix, send connector fixes, and hints with commands.
 */
export function commandTranscript() {
  const lines = ['[PS] C:\\Windows\\system32>Get-ReceiveConnector | Format-List Identity,TransportRole,TlsDomainCapabilities,TlsCertificateName', ''];
  COMMAND_PAYLOADS.forEach((p, i) => {
    const cut = i % 2 === 1;
    // One server name with a backtick: a hint that names it once shifted the code marks of its prose.
    const server = i === 2 ? 'EX`9$(calc)' : `EX0${i % 3 + 1}`;
    lines.push(
      `Identity              : ${server}\\${p}`,
      'TransportRole         : FrontendTransport',
      cut ? `TlsDomainCapabilities : {${p}:AcceptOorgProtocol, ${LEGACY_ENTRY}...}` : `TlsDomainCapabilities : {${p}:AcceptOorgProtocol, ${LEGACY_ENTRY}}`,
      `TlsCertificateName    : <I>CN=Contoso CA<S>CN=${p}`,
      '',
    );
  });
  lines.push(
    '[PS] C:\\Windows\\system32>Get-SendConnector | Format-List Identity,AddressSpaces,SmartHosts,Fqdn,RequireTLS,TlsAuthLevel,TlsDomain,TlsCertificateName,CloudServicesMailEnabled,SourceTransportServers',
    '',
    `Identity                 : Outbound to Office 365 ${COMMAND_PAYLOADS[0]}`,
    'AddressSpaces            : {smtp:*;1}',
    'SmartHosts               : {contoso-com.mail.protection.outlook.com}',
    'Fqdn                     : mail.contoso.com',
    'RequireTLS               : False',
    'TlsAuthLevel             : EncryptionOnly',
    `TlsDomain                : ${COMMAND_PAYLOADS[1]}`,
    'TlsCertificateName       :',
    'CloudServicesMailEnabled : False',
    'SourceTransportServers   : {EX01}',
    '',
  );
  return lines.join('\r\n');
}

/** A transcript of `count` affected receive connectors with the properties the collector asks
 * for, on servers X000, X001, ... (run in the page). */
export function manyConnectors({ entry, count }) {
  const parts = ['[PS] C:\\Windows\\system32>Get-ReceiveConnector | Format-List Identity,TransportRole,TlsDomainCapabilities,TlsCertificateName\r\n\r\n'];
  for (let n = 0; n < count; n++) {
    const server = 'X' + String(n).padStart(3, '0');
    parts.push(`Identity              : ${server}\\Default Frontend ${server}\r\nTransportRole         : FrontendTransport\r\n` +
      `TlsDomainCapabilities : {${entry}}\r\nTlsCertificateName    : \r\n\r\n`);
  }
  return parts.join('');
}

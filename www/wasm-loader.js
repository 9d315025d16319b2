/* hybridcheck's loader: turns HYBRIDCHECK_WASM (written just above by `cargo xtask dist`) back
 * into the wasm and starts it with the wasm-bindgen glue. It runs in the page, in the page's
 * worker, and in Node when the build checks itself. The bytes never leave memory: the wasm is
 * gunzipped by the browser's own DecompressionStream, with no request, so it works from file://,
 * offline and under the page's Content-Security-Policy. Pure ASCII.
 *
 * The text holds 13 bits in each pair of characters (91 x 91 >= 2^13), most significant bit
 * first; its 91 characters are the printable ASCII ones from ! to ~ except the three that could
 * end the string or the script: " < and backslash. See wasm_text in xtask/src/page.rs. */

/* The gzip bytes of the wasm, from its text. */
function hybridcheckWasmGzip(wasm) {
  var values = new Int16Array(128).fill(-1);
  var n = 0;
  for (var c = 33; c <= 126; c++) {
    if (c !== 34 && c !== 60 && c !== 92) values[c] = n++;
  }
  function value(code) {
    return code < 128 ? values[code] : -1;
  }
  var text = wasm.text;
  var out = new Uint8Array(wasm.gzip_bytes);
  var acc = 0;
  var bits = 0;
  var j = 0;
  for (var i = 0; i + 1 < text.length; i += 2) {
    var hi = value(text.charCodeAt(i));
    var lo = value(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) throw new Error('the inlined checker is damaged (character ' + i + ')');
    acc = (acc << 13) | (hi * 91 + lo);
    bits += 13;
    while (bits >= 8 && j < out.length) {
      bits -= 8;
      out[j++] = (acc >>> bits) & 255;
    }
    acc &= (1 << bits) - 1;
  }
  if (j !== out.length) throw new Error('the inlined checker is cut short');
  return out;
}

/* A promise of the wasm's bytes (an ArrayBuffer). */
function hybridcheckWasmBytes() {
  if (typeof DecompressionStream !== 'function') {
    return Promise.reject(new Error('this browser has no DecompressionStream'));
  }
  try {
    var gzip = hybridcheckWasmGzip(HYBRIDCHECK_WASM);
    return new Response(new Blob([gzip]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  } catch (e) {
    return Promise.reject(e);
  }
}

/* Starts the checker: a promise of wasm_bindgen, ready to call. */
function hybridcheckStart() {
  return hybridcheckWasmBytes().then(function (bytes) {
    return wasm_bindgen({ module_or_path: bytes });
  }).then(function () {
    return wasm_bindgen;
  });
}

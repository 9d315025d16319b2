/* hybridcheck's loader: turns HYBRIDCHECK_WASM (written just above by `cargo xtask dist`) back
 * into the wasm and starts it with the wasm-bindgen glue. It runs in the page, in the page's
 * worker, and in Node when the build checks itself. The bytes never leave memory and nothing
 * is requested, so it works from file://, offline and under the page's Content-Security-Policy.
 * Pure ASCII.
 *
 * The text holds 13 bits in each pair of characters (91 x 91 >= 2^13), most significant bit
 * first; its 91 characters are the printable ASCII ones from ! to ~ except the three that could
 * end the string or the script: " < and backslash. See wasm_text in xtask/src/page.rs.
 *
 * The gzip inside is unpacked here, in a few milliseconds, rather than by the browser's
 * DecompressionStream: that one answers asynchronously, and on a cold start the round trips
 * through the browser's threads took longer than the unpacking itself. Unpacked synchronously,
 * the checker is compiled and ready before the page is first painted. */

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

/* The bytes of one gzip member (RFC 1952), checked against its CRC-32 and length. */
function hybridcheckGunzip(gz) {
  function damaged(what) {
    return new Error('the inlined checker is damaged (' + what + ')');
  }
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 8) throw damaged('no gzip header');
  var flags = gz[3];
  var pos = 10;
  var end = gz.length - 8;
  function skipZeroEnded() {
    while (pos < end && gz[pos] !== 0) pos++;
    pos++;
  }
  if (flags & 4) pos += 2 + (gz[pos] | (gz[pos + 1] << 8));
  if (flags & 8) skipZeroEnded();
  if (flags & 16) skipZeroEnded();
  if (flags & 2) pos += 2;
  if (pos > end) throw damaged('gzip header');
  var trailer = function (at) {
    return (gz[end + at] | (gz[end + at + 1] << 8) | (gz[end + at + 2] << 16) | (gz[end + at + 3] << 24)) >>> 0;
  };
  var out = hybridcheckInflate(gz.subarray(pos, end), trailer(4));
  var table = new Int32Array(256);
  for (var k = 0; k < 256; k++) {
    var c = k;
    for (var b = 0; b < 8; b++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[k] = c;
  }
  var crc = -1;
  for (var i = 0; i < out.length; i++) crc = table[(crc ^ out[i]) & 255] ^ (crc >>> 8);
  if (((crc ^ -1) >>> 0) !== trailer(0)) throw damaged('CRC-32');
  return out;
}

/* A raw DEFLATE stream (RFC 1951) that unpacks to exactly `size` bytes. Short Huffman codes
 * (nearly all of them) are looked up in a table; longer ones are read one bit at a time against
 * the canonical code counts, the way zlib's reference decoder puff does. */
function hybridcheckInflate(data, size) {
  var LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258];
  var LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
    3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  var out = new Uint8Array(size);
  var op = 0;
  var pos = 0;
  var buf = 0;
  var have = 0;
  function fail(what) {
    throw new Error('the inlined checker is damaged (' + what + ')');
  }
  function bits(n) {
    while (have < n) {
      if (pos >= data.length) fail('cut short');
      buf |= data[pos++] << have;
      have += 8;
    }
    var v = buf & ((1 << n) - 1);
    buf >>>= n;
    have -= n;
    return v;
  }
  /* Canonical Huffman code from code lengths: counts per length and symbols in code order, for
   * the bit-by-bit reader, and a table that decodes any code of up to FAST bits in one look. */
  var FAST = 9;
  function code(lengths) {
    var count = new Uint16Array(16);
    var offset = new Uint16Array(16);
    var symbol = new Uint16Array(lengths.length);
    var fast = new Uint16Array(1 << FAST);
    for (var s = 0; s < lengths.length; s++) count[lengths[s]]++;
    count[0] = 0;
    for (var len = 1; len < 16; len++) offset[len] = offset[len - 1] + count[len - 1];
    for (s = 0; s < lengths.length; s++) if (lengths[s]) symbol[offset[lengths[s]]++] = s;
    /* Codes of one length are consecutive numbers, in symbol order; the stream holds them most
     * significant bit first, so the table is indexed by the code's bits reversed. An entry is
     * the length (4 bits) above the symbol; 0 means a longer code. */
    var next = 0;
    var index = 0;
    for (len = 1; len <= FAST; len++) {
      for (var k = 0; k < count[len]; k++, next++, index++) {
        var reversed = 0;
        for (var b = 0; b < len; b++) reversed |= ((next >> b) & 1) << (len - 1 - b);
        for (var e = reversed; e < 1 << FAST; e += 1 << len) fast[e] = (len << 12) | symbol[index];
      }
      next <<= 1;
    }
    return { count: count, symbol: symbol, fast: fast };
  }
  function decode(h) {
    while (have < FAST && pos < data.length) {
      buf |= data[pos++] << have;
      have += 8;
    }
    var entry = h.fast[buf & ((1 << FAST) - 1)];
    if (entry && entry >>> 12 <= have) {
      buf >>>= entry >>> 12;
      have -= entry >>> 12;
      return entry & 4095;
    }
    var c = 0;
    var first = 0;
    var index = 0;
    for (var len = 1; len < 16; len++) {
      c |= bits(1);
      var count = h.count[len];
      if (c - first < count) return h.symbol[index + c - first];
      index += count;
      first = (first + count) << 1;
      c <<= 1;
    }
    return fail('bad code');
  }
  var last;
  do {
    last = bits(1);
    var type = bits(2);
    if (type === 0) {
      /* To the next byte: drop the bits left of this one, and give back whole bytes read ahead. */
      pos -= have >>> 3;
      buf = 0;
      have = 0;
      if (pos + 4 > data.length) fail('cut short');
      var stored = data[pos] | (data[pos + 1] << 8);
      pos += 4;
      if (pos + stored > data.length || op + stored > size) fail('stored block');
      out.set(data.subarray(pos, pos + stored), op);
      pos += stored;
      op += stored;
      continue;
    }
    var lit, dist, lengths, i;
    if (type === 1) {
      lengths = new Uint8Array(288 + 30);
      for (i = 0; i < 288; i++) lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
      for (i = 288; i < 318; i++) lengths[i] = 5;
      lit = code(lengths.subarray(0, 288));
      dist = code(lengths.subarray(288));
    } else if (type === 2) {
      var nlit = bits(5) + 257;
      var ndist = bits(5) + 1;
      var ncode = bits(4) + 4;
      var order = new Uint8Array(19);
      for (i = 0; i < ncode; i++) order[ORDER[i]] = bits(3);
      var lencode = code(order);
      lengths = new Uint8Array(nlit + ndist);
      for (i = 0; i < nlit + ndist;) {
        var sym = decode(lencode);
        if (sym < 16) {
          lengths[i++] = sym;
          continue;
        }
        var repeat = 0;
        var times;
        if (sym === 16) {
          if (i === 0) fail('repeat with no length');
          repeat = lengths[i - 1];
          times = 3 + bits(2);
        } else {
          times = sym === 17 ? 3 + bits(3) : 11 + bits(7);
        }
        if (i + times > nlit + ndist) fail('too many lengths');
        while (times--) lengths[i++] = repeat;
      }
      lit = code(lengths.subarray(0, nlit));
      dist = code(lengths.subarray(nlit));
    } else {
      fail('block type 3');
    }
    for (;;) {
      var s = decode(lit);
      if (s < 256) {
        if (op >= size) fail('too long');
        out[op++] = s;
      } else if (s === 256) {
        break;
      } else {
        s -= 257;
        if (s >= 29) fail('bad length');
        var len = LENGTH_BASE[s] + bits(LENGTH_EXTRA[s]);
        var d = decode(dist);
        if (d >= 30) fail('bad distance');
        var back = DIST_BASE[d] + bits(DIST_EXTRA[d]);
        if (back > op || op + len > size) fail('bad match');
        for (; len > 0; len--, op++) out[op] = out[op - back];
      }
    }
  } while (!last);
  if (op !== size) fail('wrong length');
  return out;
}

/* The wasm's bytes. */
function hybridcheckWasmBytes() {
  return hybridcheckGunzip(hybridcheckWasmGzip(HYBRIDCHECK_WASM));
}

/* Starts the checker at once (the wasm is compiled on this thread) and returns wasm_bindgen,
 * ready to call. Throws when this browser cannot run it. */
function hybridcheckStartNow() {
  wasm_bindgen.initSync({ module: hybridcheckWasmBytes() });
  return wasm_bindgen;
}

/* Starts the checker with the browser compiling the wasm in the background: a promise of
 * wasm_bindgen. For the worker, and for browsers that refuse to compile a module of this size on
 * the page's own thread (Chromium before version 114 refused anything over 4 KB). */
function hybridcheckStart() {
  return new Promise(function (resolve) {
    resolve(hybridcheckWasmBytes());
  }).then(function (bytes) {
    return wasm_bindgen({ module_or_path: bytes });
  }).then(function () {
    return wasm_bindgen;
  });
}

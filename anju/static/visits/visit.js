// The house-visit form on a phone (anju/templates/visits/visit_form.html). No inline script
// (CSP): everything hangs on data- attributes. Without JavaScript the form still posts.
//
// - Draft: every typed answer is kept in localStorage until the server confirms the visit,
//   so a failed upload or a reload loses nothing (photos must be chosen again).
// - Photos: resized on the phone (longest side data-max-px, JPEG data-quality) before upload;
//   the camera's EXIF block (time, GPS) is carried over with the orientation reset, so the
//   server can still read when and where the photo was taken.
// - Location: the phone's GPS into hidden fields. Signature: drawn on a <canvas>, sent as PNG.
(function () {
  "use strict";
  var form = document.querySelector("form[data-visit-form]");
  if (!form) { return; }
  var KEY = form.getAttribute("data-draft-key");
  var MAX_PX = parseInt(form.getAttribute("data-max-px") || "1600", 10);
  var QUALITY = parseFloat(form.getAttribute("data-quality") || "0.8");
  var DRAFT_DAYS = 7;
  var statusBox = form.querySelector("[data-visit-status]");
  var progress = form.querySelector("[data-upload-progress]");
  var submitButton = form.querySelector("[data-submit]");
  var resized = {};  // input name -> [File]
  var pending = 0;   // photos still being resized

  function say(text, level) {
    statusBox.textContent = text;
    statusBox.className = "alert py-2 mb-2 alert-" + (level || "info");
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // --- draft in localStorage ------------------------------------------------------------
  var signatureData = "";
  var touched = false;  // a draft is kept only once the user has typed, chosen or signed
  function typedFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.type !== "button" &&
        el.name !== "csrfmiddlewaretoken";
    });
  }
  function saveDraft() {
    if (!touched) { return; }
    var data = {};
    typedFields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else { data[el.name] = el.value; }
    });
    if (signatureData) { data.__signature = signatureData; }
    try {
      localStorage.setItem(KEY, JSON.stringify({ savedAt: Date.now(), data: data }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }
  function readDraft() {
    try {
      var raw = localStorage.getItem(KEY);
      if (!raw) { return null; }
      var draft = JSON.parse(raw);
      if (!draft || !draft.data || Date.now() - draft.savedAt > DRAFT_DAYS * 864e5) {
        localStorage.removeItem(KEY);
        return null;
      }
      return draft;
    } catch (e) { return null; }
  }
  function clearDraft() { try { localStorage.removeItem(KEY); } catch (e) { /* ignore */ } }
  function restoreDraft() {
    var draft = readDraft();
    if (!draft || form.querySelector(".is-invalid")) { return; }
    typedFields().forEach(function (el) {
      if (!(el.name in draft.data)) { return; }
      if (el.type === "radio") { el.checked = draft.data[el.name] === el.value; }
      else { el.value = draft.data[el.name]; }
    });
    touched = true;
    if (draft.data.__signature) { drawSignature(draft.data.__signature); }
    var when = new Date(draft.savedAt);
    var notice = document.querySelector("[data-draft-notice]");
    notice.querySelector("[data-draft-text]").textContent =
      "已恢复本机保存的草稿（" + (when.getMonth() + 1) + "月" + when.getDate() + "日 " +
      pad(when.getHours()) + ":" + pad(when.getMinutes()) + " 填写，尚未提交成功）。" +
      "照片需要重新选择。";
    notice.classList.remove("d-none");
    showLocation();
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-draft-discard]")) {
      clearDraft();
      window.location.reload();
    }
  });
  form.addEventListener("input", function () { touched = true; saveDraft(); });
  form.addEventListener("change", function (event) {
    if (event.target.type !== "file") { touched = true; saveDraft(); }
  });

  // --- entry mode: paper forms need no GPS -------------------------------------------------
  var gpsBlock = form.querySelector("[data-gps-block]");
  function paperMode() {
    var checked = form.querySelector("[data-mode]:checked");
    return checked && checked.value === "paper";
  }
  function showMode() { gpsBlock.classList.toggle("d-none", paperMode()); }
  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-mode")) { showMode(); if (!paperMode()) { locate(true); } }
  });

  // --- location ------------------------------------------------------------------------------
  var gpsStatus = form.querySelector("[data-gps-status]");
  function showLocation() {
    var lat = form.elements.latitude.value, lon = form.elements.longitude.value;
    if (lat && lon) {
      var acc = form.elements.accuracy.value;
      gpsStatus.textContent = "已定位：" + lat + "，" + lon + (acc ? "（精度约 " + acc + " 米）" : "");
    }
  }
  function locate(quiet) {
    if (!navigator.geolocation) {
      if (!quiet) { gpsStatus.textContent = "此手机浏览器不支持定位。"; }
      return;
    }
    gpsStatus.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(pos.coords.accuracy);
      showLocation();
      saveDraft();
    }, function (err) {
      gpsStatus.textContent = err.code === 1
        ? "未获得定位权限。请在浏览器设置中允许本网站使用位置，再点“获取当前位置”。"
        : "暂时无法定位，请到开阔处再点“获取当前位置”。";
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }
  form.addEventListener("click", function (event) {
    if (event.target.closest("[data-locate]")) { locate(false); }
  });

  // --- photos: resize on the phone, keep the EXIF time and place -----------------------------------
  function exifSegment(buffer) {
    // The APP1 "Exif" segment of a JPEG (with its marker), or null.
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) { return null; }
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) { return null; }
      var length = view.getUint16(offset + 2);
      if (marker === 0xFFE1 && view.getUint32(offset + 4) === 0x45786966) {
        var segment = new Uint8Array(buffer.slice(offset, offset + 2 + length));
        resetOrientation(segment);
        return segment;
      }
      offset += 2 + length;
    }
    return null;
  }
  function resetOrientation(segment) {
    // The canvas already drew the picture upright: set EXIF Orientation (0x0112) to 1.
    var view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
    var tiff = 10;
    if (segment.length < tiff + 8) { return; }
    var little = view.getUint16(tiff) === 0x4949;
    var ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > segment.length) { return; }
    var count = view.getUint16(ifd, little);
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (entry + 12 > segment.length) { return; }
      if (view.getUint16(entry, little) === 0x0112) { view.setUint16(entry + 8, 1, little); return; }
    }
  }
  function withExif(jpegBuffer, segment) {
    var body = new Uint8Array(jpegBuffer);
    var at = 2;  // after SOI, and after a JFIF APP0 segment if the encoder wrote one
    if (body[2] === 0xFF && body[3] === 0xE0) { at = 4 + ((body[4] << 8) | body[5]); }
    return new Blob([body.slice(0, at), segment, body.slice(at)], { type: "image/jpeg" });
  }
  function readBuffer(file) {
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { resolve(null); };
      reader.readAsArrayBuffer(file);
    });
  }
  function jpegName(name) { return (name || "photo").replace(/\.[^.]*$/, "") + ".jpg"; }
  function resize(file) {
    // Resolves to the file to upload: resized JPEG, or the original if it cannot be drawn
    // (the server then says what is wrong with it).
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type)) { resolve(file); return; }
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        URL.revokeObjectURL(url);
        var w = img.naturalWidth, h = img.naturalHeight;
        var scale = Math.min(1, MAX_PX / Math.max(w, h));
        if (scale === 1 && file.type === "image/jpeg" && file.size <= 1024 * 1024) {
          resolve(file); return;
        }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob) { resolve(file); return; }
          var done = function (out) {
            resolve(new File([out], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified }));
          };
          if (file.type !== "image/jpeg") { done(blob); return; }
          Promise.all([readBuffer(file), readBuffer(blob)]).then(function (buffers) {
            var segment = buffers[0] && exifSegment(buffers[0]);
            done(segment && buffers[1] ? withExif(buffers[1], segment) : blob);
          });
        }, "image/jpeg", QUALITY);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }
  function kb(n) { return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.round(n / 1024) + " KB"; }
  function preview(input, files) {
    var box = form.querySelector('[data-previews-for="' + input.name + '"]');
    box.textContent = "";
    files.forEach(function (item) {
      var fig = document.createElement("figure");
      if (/^image\//.test(item.out.type)) {
        var img = document.createElement("img");
        img.alt = "已选照片预览";
        img.src = URL.createObjectURL(item.out);
        fig.appendChild(img);
      }
      var cap = document.createElement("figcaption");
      cap.textContent = item.out === item.original ? kb(item.out.size)
        : kb(item.original.size) + " → " + kb(item.out.size);
      fig.appendChild(cap);
      box.appendChild(fig);
    });
  }
  // A big "拍照或选择照片" button instead of the browser's own file field.
  form.querySelectorAll("input[data-photo]").forEach(function (input) {
    var button = input.parentNode.querySelector("[data-photo-button]");
    if (!button) { return; }
    input.classList.add("visually-hidden");
    button.classList.remove("d-none");
  });
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.hasAttribute("data-photo")) { return; }
    var button = input.parentNode.querySelector("[data-photo-button]");
    if (button && input.files && input.files.length) {
      button.textContent = "已选 " + input.files.length + " 张，点此重新拍照或选择";
    }
    var files = Array.prototype.slice.call(input.files || []);
    pending += 1;
    Promise.all(files.map(function (f) {
      return resize(f).then(function (out) { return { original: f, out: out }; });
    })).then(function (items) {
      resized[input.name] = items.map(function (i) { return i.out; });
      preview(input, items);
      pending -= 1;
    });
  });

  // --- signature on a canvas ------------------------------------------------------------------------
  var signBlock = form.querySelector("[data-signature-block]");
  var canvas = form.querySelector("[data-signature]");
  var signStatus = form.querySelector("[data-signature-status]");
  var ctx = canvas.getContext && canvas.getContext("2d");
  var drawing = false, signed = false, last = null;
  if (ctx) {
    signBlock.classList.remove("d-none");
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
  }
  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - rect.left) * canvas.width / rect.width,
      y: (event.clientY - rect.top) * canvas.height / rect.height
    };
  }
  function drawSignature(dataUrl) {
    if (!ctx) { return; }
    var img = new Image();
    img.onload = function () {
      ctx.drawImage(img, 0, 0);
      signed = true; signatureData = dataUrl;
      signStatus.textContent = "已签字（草稿中恢复）";
    };
    img.src = dataUrl;
  }
  if (ctx) {
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true; last = point(event);
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p; signed = true;
      event.preventDefault();
    });
    var stop = function () {
      if (!drawing) { return; }
      drawing = false;
      if (signed) {
        touched = true;
        signatureData = canvas.toDataURL("image/png");
        signStatus.textContent = "已签字";
        saveDraft();
      }
    };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);
  }
  form.addEventListener("click", function (event) {
    if (!event.target.closest("[data-signature-clear]") || !ctx) { return; }
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    signed = false; signatureData = "";
    signStatus.textContent = "未签字";
    saveDraft();
  });
  function signatureBlob() {
    return new Promise(function (resolve) {
      if (!signed || !ctx) { resolve(null); return; }
      canvas.toBlob(resolve, "image/png");
    });
  }

  // --- submit: upload with progress; keep the draft until the server confirms ------------------
  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var box = form.querySelector('[data-error-for="' + name + '"]');
      var text = errors[name].join(" ");
      if (!box) { say(statusBox.textContent + " " + text, "danger"); return; }
      box.textContent = text;
      var field = form.elements[name];
      if (field && field.classList) { field.classList.add("is-invalid"); }
      if (!first) { first = box; }
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }
  function busy(on) {
    submitButton.disabled = on;
    progress.classList.toggle("d-none", !on);
    if (!on) { progress.value = 0; }
  }
  function failed(text) {
    busy(false);
    saveDraft();
    say(text + "您填写的内容已保存在本机，不会丢失；网络恢复后再点“提交走访记录”即可（刷新页面也能恢复，照片需重新选择）。", "warning");
  }
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }  // plain post
    event.preventDefault();
    if (pending > 0) { say("照片还在压缩，请稍候再提交。", "info"); return; }
    touched = true;
    saveDraft();
    var data = new FormData(form);
    Object.keys(resized).forEach(function (name) {
      data.delete(name);
      resized[name].forEach(function (file) { data.append(name, file, file.name); });
    });
    signatureBlob().then(function (blob) {
      if (blob) { data.append("signature", blob, "signature.png"); }
      busy(true);
      say("正在上传…", "info");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { progress.value = Math.round(100 * e.loaded / e.total); }
      };
      xhr.onerror = function () { failed("上传失败：网络连接中断。"); };
      xhr.ontimeout = function () { failed("上传超时。"); };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (body && body.ok) {
          clearDraft();
          say(body.message || "已保存。", "success");
          window.location.assign(body.url);
          return;
        }
        if (body && body.errors) {
          busy(false);
          // 409: the visit changed since this form was opened; submitting again saves over it
          if (body.version !== undefined && form.elements.version) {
            form.elements.version.value = body.version;
            saveDraft();
          }
          say(body.message || "未提交成功，请按红色提示修改。", "danger");
          showErrors(body.errors);
          return;
        }
        failed(xhr.status === 200
          ? "服务器没有确认保存（登录可能已过期，请在新窗口重新登录）。"
          : "服务器暂时无法保存（" + xhr.status + "）。");
      };
      xhr.timeout = 180000;
      xhr.send(data);
    });
  });

  // --- start -------------------------------------------------------------------------------------
  restoreDraft();
  showMode();
  showLocation();
  if (!paperMode() && !form.elements.latitude.value) { locate(true); }
})();

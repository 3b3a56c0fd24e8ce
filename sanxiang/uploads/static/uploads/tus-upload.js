/*
 * A small tus 1.0.0 client for the evidence uploader (no build step, no dependencies).
 *
 * POST creates the upload with the form's metadata; PATCH sends the file in 8 MiB chunks
 * (XMLHttpRequest, for upload progress); on a network failure it waits (1, 2, 4, 8, 16 s),
 * asks the server for its offset with HEAD and continues from there; after repeated
 * failures it shows a Resume button. The upload URL is remembered per file in
 * localStorage, so a reloaded page resumes instead of starting again.
 * Every sentence shown comes from the form's data-msg-* attributes (translated server-side).
 */
(function () {
  "use strict";

  var TUS_VERSION = "1.0.0";
  var CHUNK = 8 * 1024 * 1024;
  var BACKOFF = "1,2,4,8,16"; /* seconds between attempts; a form may set data-backoff */

  function NetworkError() {}

  function b64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function size(bytes) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i === 0 ? bytes : bytes.toFixed(1)) + " " + units[i];
  }

  function localInput(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      "T" + two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds());
  }

  /* The site's button style sets a display, which beats the hidden attribute: set both. */
  function setVisible(element, visible) {
    element.hidden = !visible;
    element.style.display = visible ? "" : "none";
  }

  function sleep(seconds) {
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); });
  }

  function Uploader(form) {
    this.form = form;
    this.data = form.dataset;
    this.el = {};
    var self = this;
    ["start", "resume", "panel", "progress", "status", "error", "result", "evidence-link"].forEach(function (role) {
      self.el[role] = form.querySelector('[data-role="' + role + '"]');
    });
    this.file = form.querySelector('input[type="file"]');
    this.url = null;
    this.busy = false;
    this.file.addEventListener("change", function () { self.fillCaptureTime(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); self.start(); });
    this.el.resume.addEventListener("click", function () { self.resume(); });
  }

  Uploader.prototype.field = function (name) {
    var input = this.form.elements[name];
    return input ? input.value.trim() : "";
  };

  Uploader.prototype.fillCaptureTime = function () {
    var input = this.form.elements.captured_at;
    var file = this.file.files[0];
    if (input && file && !input.value) input.value = localInput(new Date(file.lastModified));
  };

  Uploader.prototype.headers = function (extra) {
    var headers = { "Tus-Resumable": TUS_VERSION, "X-CSRFToken": this.data.csrf };
    for (var key in extra) headers[key] = extra[key];
    return headers;
  };

  Uploader.prototype.show = function (text) {
    setVisible(this.el.panel, true);
    this.el.status.textContent = text;
  };

  Uploader.prototype.fail = function (text) {
    setVisible(this.el.panel, true);
    setVisible(this.el.error, true);
    this.el.error.textContent = text;
    this.el.status.textContent = "";
    this.finish();
  };

  Uploader.prototype.finish = function () {
    this.busy = false;
    this.el.start.disabled = false;
  };

  Uploader.prototype.setProgress = function (sent) {
    var total = this.total || 1;
    var percent = Math.floor((sent / total) * 100);
    var elapsed = (Date.now() - this.startedAt) / 1000;
    var rate = elapsed > 0 ? (sent - this.startOffset) / elapsed : 0;
    this.el.progress.value = percent;
    this.el.progress.setAttribute("aria-valuenow", String(percent));
    this.el.progress.setAttribute("aria-valuetext", percent + "%");
    this.show(fill(this.data.msgProgress, { percent: percent + "%", total: size(total), rate: size(rate) }));
  };

  Uploader.prototype.metadata = function (file) {
    var pairs = {
      "case": this.data.case, step: this.field("step"), kind: this.field("kind"),
      captured_at: new Date(this.field("captured_at")).toISOString(),
      filename: file.name, filetype: file.type, location: this.field("location"),
      device_serial: this.field("device_serial"), description: this.field("description")
    };
    var out = [];
    for (var key in pairs) if (pairs[key]) out.push(key + " " + b64(pairs[key]));
    return out.join(",");
  };

  Uploader.prototype.fingerprint = function (file) {
    return ["tus", this.data.case, this.field("step"), file.name, file.size, file.lastModified].join(":");
  };

  Uploader.prototype.check = function () {
    if (!this.file.files.length) return this.data.msgChooseFile;
    if (!this.field("step")) return this.data.msgChooseStep;
    if (!this.field("captured_at") || isNaN(new Date(this.field("captured_at")).getTime())) return this.data.msgChooseTime;
    return "";
  };

  Uploader.prototype.start = function () {
    if (this.busy) return;
    var problem = this.check();
    setVisible(this.el.error, false);
    setVisible(this.el.result, false);
    setVisible(this.el.resume, false);
    if (problem) { this.fail(problem); return; }
    this.busy = true;
    this.el.start.disabled = true;
    var file = this.file.files[0];
    this.fileObj = file;
    this.total = file.size;
    this.key = this.fingerprint(file);
    var self = this;
    this.url = null;
    this.open(file).then(function (offset) {
      if (offset !== null) return self.send(offset);
    }).catch(function (err) { self.trouble(err); });
  };

  Uploader.prototype.resume = function () {
    if (this.busy || !this.url) return;
    this.busy = true;
    this.el.start.disabled = true;
    setVisible(this.el.resume, false);
    setVisible(this.el.error, false);
    var self = this;
    this.offsetFromServer().then(function (offset) {
      if (offset !== null) return self.send(offset);
    }).catch(function (err) { self.trouble(err); });
  };

  /* A failure outside the chunk loop: resumable if the upload exists, else the person starts again. */
  Uploader.prototype.trouble = function (err) {
    if (err instanceof NetworkError || err instanceof TypeError) {
      if (this.url) this.stall(); else this.fail(this.data.msgOffline);
      return;
    }
    this.fail(err && err.message ? err.message : String(err));
  };

  /* Reuse a remembered upload of the same file if the server still has it; otherwise create one. */
  Uploader.prototype.open = function (file) {
    var self = this;
    var remembered = window.localStorage ? localStorage.getItem(this.key) : null;
    if (remembered) {
      this.url = remembered;
      this.show(this.data.msgResuming);
      return this.offsetFromServer(true).then(function (offset) {
        return offset !== null ? offset : self.create(file);
      });
    }
    return this.create(file);
  };

  Uploader.prototype.create = function (file) {
    var self = this;
    this.show(this.data.msgStarting);
    return fetch(this.data.endpoint, {
      method: "POST", credentials: "same-origin",
      headers: this.headers({ "Upload-Length": String(file.size), "Upload-Metadata": this.metadata(file) })
    }).then(function (response) {
      if (response.status !== 201) return response.text().then(function (text) { self.refused(text); return null; });
      self.url = response.headers.get("Location");
      if (window.localStorage) localStorage.setItem(self.key, self.url);
      return 0;
    });
  };

  /* HEAD: the server's offset, or null after showing why the upload cannot continue. */
  Uploader.prototype.offsetFromServer = function (quiet) {
    var self = this;
    return fetch(this.url, { method: "HEAD", credentials: "same-origin", headers: this.headers({}) })
      .then(function (response) {
        if (response.status === 200) {
          var length = parseInt(response.headers.get("Upload-Length"), 10);
          if (length === self.total) return parseInt(response.headers.get("Upload-Offset"), 10);
        }
        if (response.status >= 500) throw new NetworkError();
        self.forget();
        if (!quiet) self.fail(self.data.msgGone);
        return null;
      }, function () { throw new NetworkError(); });
  };

  Uploader.prototype.forget = function () {
    if (window.localStorage && this.key) localStorage.removeItem(this.key);
  };

  /* ``retryable``: every byte is stored but the evidence was refused; Resume asks again (an empty PATCH). */
  Uploader.prototype.refused = function (text, retryable) {
    if (!retryable) this.forget();
    this.fail(this.data.msgRefused + " " + text);
    if (retryable) setVisible(this.el.resume, true);
  };

  Uploader.prototype.patch = function (offset) {
    var self = this;
    var end = Math.min(offset + CHUNK, this.total);
    var blob = this.fileObj.slice(offset, end);
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("PATCH", self.url);
      var headers = self.headers({ "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" });
      for (var key in headers) xhr.setRequestHeader(key, headers[key]);
      xhr.upload.onprogress = function (event) { self.setProgress(offset + event.loaded); };
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { reject(new NetworkError()); };
      xhr.send(blob);
    });
  };

  /* Send chunks from ``offset`` to the end; network trouble leads to backoff, HEAD and continue. */
  Uploader.prototype.send = function (offset) {
    var self = this;
    var failures = 0;
    var backoff = (this.data.backoff || BACKOFF).split(",").map(Number);
    this.startedAt = Date.now();
    this.startOffset = offset;
    function step(current) {
      if (current === self.total && self.evidence) return self.done();
      return self.patch(current).then(function (xhr) {
        if (xhr.status === 204) {
          failures = 0;
          var next = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
          self.evidence = xhr.getResponseHeader("Sanxiang-Evidence");
          self.sha256 = xhr.getResponseHeader("Sanxiang-Sha256");
          self.setProgress(next);
          if (next === self.total) {
            if (self.evidence) return self.done();
            self.show(self.data.msgFinishing);
          }
          return step(next);
        }
        if (xhr.status === 409) {
          /* Either the offsets disagree (continue from the server's), or the evidence was refused. */
          var text = xhr.responseText;
          return self.offsetFromServer().then(function (held) {
            if (held === null) return null;
            if (held !== current) return step(held);
            self.refused(text, held === self.total);
            return null;
          });
        }
        if (xhr.status === 423 || xhr.status >= 500 || xhr.status === 0) throw new NetworkError();
        self.refused(xhr.responseText, xhr.status === 403 && current + CHUNK >= self.total);
        return null;
      }).catch(function (err) {
        if (!(err instanceof NetworkError)) throw err;
        return recover();
      });
    }
    /* Wait, ask the server where it stands, continue; give up (Resume button) after the last wait. */
    function recover() {
      if (failures >= backoff.length) { self.stall(); return null; }
      var wait = backoff[failures++];
      self.show(fill(self.data.msgRetrying, { seconds: wait }));
      return sleep(wait).then(function () { return self.offsetFromServer(); }).then(function (held) {
        return held === null ? null : step(held);
      }, function (err) {
        if (!(err instanceof NetworkError)) throw err;
        return recover();
      });
    }
    this.evidence = null;
    return step(offset);
  };

  Uploader.prototype.stall = function () {
    setVisible(this.el.resume, true);
    this.show(this.data.msgStalled);
    this.finish();
  };

  Uploader.prototype.done = function () {
    this.forget();
    this.el.progress.value = 100;
    this.el.progress.setAttribute("aria-valuenow", "100");
    this.show(fill(this.data.msgDone, { sha256: this.sha256 || "" }));
    var link = this.el["evidence-link"];
    link.href = this.data.evidenceUrl.replace(/0\/$/, this.evidence + "/");
    link.textContent = this.data.msgView;
    link.setAttribute("data-evidence", this.evidence);
    setVisible(this.el.result, true);
    this.finish();
    this.form.dispatchEvent(new CustomEvent("tus:done", { bubbles: true, detail: { evidence: this.evidence } }));
  };

  function init() {
    var forms = document.querySelectorAll("form[data-tus-uploader]");
    for (var i = 0; i < forms.length; i++) {
      if (!forms[i].tusUploader) forms[i].tusUploader = new Uploader(forms[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/*! <osticket-helpdesk>: an osTicket help desk for any website, served by osticket-bridge.
 * Plain JavaScript, no framework, no build step. Usage:
 *   <script src="https://help.example.com/widget/osticket-helpdesk.js" defer></script>
 *   <osticket-helpdesk api="https://help.example.com"></osticket-helpdesk>
 * Security: tokens live in this object's memory only; nothing is ever assigned to innerHTML; agent HTML is
 * rebuilt node by node from a strict allowlist; no eval, no inline script, styles through adoptedStyleSheets.
 */
(() => {
  "use strict";
  if (!window.customElements || customElements.get("osticket-helpdesk")) return;

  // Default bridge URL: where this script came from (read now: currentScript is only set while it runs).
  const SCRIPT_ORIGIN = document.currentScript ? new URL(document.currentScript.src, location.href).origin : "";

  // Every string the user sees, by language. Sites add languages here or override with setStrings().
  const STRINGS = {
    en: {
      title: "Help desk",
      signInHeading: "Sign in",
      username: "Email or username",
      password: "Password",
      signIn: "Sign in",
      signingIn: "Signing in…",
      guestLink: "Check a ticket without an account",
      guestHeading: "Check a ticket",
      guestIntro: "Enter the ticket number and the email address the ticket was opened with.",
      ticketNumber: "Ticket number",
      email: "Email",
      viewTicket: "View ticket",
      checking: "Looking up the ticket…",
      backToSignIn: "Back to sign in",
      myTickets: "My tickets",
      newTicket: "New ticket",
      signOut: "Sign out",
      signedOut: "You are signed out.",
      loadingTickets: "Loading your tickets…",
      noTickets: "You have no tickets yet.",
      pages: "Pages",
      page: "Page {page} of {pages}",
      previousPage: "Previous page",
      nextPage: "Next page",
      numbered: "#{number}",
      opened: "Opened {time}",
      topic: "Topic",
      chooseTopic: "Choose a topic",
      loadingTopics: "Loading topics…",
      subject: "Subject",
      message: "Message",
      attachments: "Attachments",
      files: "Files",
      submitTicket: "Submit ticket",
      sending: "Sending…",
      cancel: "Cancel",
      ticketCreated: "Ticket #{number} was created.",
      loadingTicket: "Loading the ticket…",
      status: "Status",
      department: "Department",
      conversation: "Conversation",
      noMessages: "No messages yet.",
      reply: "Reply",
      sendReply: "Send reply",
      replySent: "Your reply was sent.",
      ticketUpdated: "This ticket was just updated.",
      closeTicket: "Close ticket",
      reopenTicket: "Reopen ticket",
      ticketClosed: "The ticket is closed.",
      ticketReopened: "The ticket is open again.",
      backToList: "Back to my tickets",
      required: "{field}: please fill this in.",
      networkError: "The help desk could not be reached. Check your connection and try again.",
      httpError: "The help desk answered with an error ({status}).",
      sessionEnded: "Your session has ended. Please sign in again.",
      noApi: "This help desk is not set up: its api attribute is missing.",
    },
    fr: {
      title: "Assistance",
      signInHeading: "Connexion",
      username: "E-mail ou identifiant",
      password: "Mot de passe",
      signIn: "Se connecter",
      signingIn: "Connexion…",
      guestLink: "Consulter un ticket sans compte",
      guestHeading: "Consulter un ticket",
      guestIntro: "Saisissez le numéro du ticket et l'adresse e-mail avec laquelle il a été ouvert.",
      ticketNumber: "Numéro du ticket",
      email: "E-mail",
      viewTicket: "Voir le ticket",
      checking: "Recherche du ticket…",
      backToSignIn: "Retour à la connexion",
      myTickets: "Mes tickets",
      newTicket: "Nouveau ticket",
      signOut: "Se déconnecter",
      signedOut: "Vous êtes déconnecté.",
      loadingTickets: "Chargement de vos tickets…",
      noTickets: "Vous n'avez encore aucun ticket.",
      pages: "Pages",
      page: "Page {page} sur {pages}",
      previousPage: "Page précédente",
      nextPage: "Page suivante",
      opened: "Ouvert le {time}",
      topic: "Sujet d'aide",
      chooseTopic: "Choisissez un sujet",
      loadingTopics: "Chargement des sujets…",
      subject: "Objet",
      message: "Message",
      attachments: "Pièces jointes",
      files: "Fichiers",
      submitTicket: "Envoyer le ticket",
      sending: "Envoi…",
      cancel: "Annuler",
      ticketCreated: "Le ticket n° {number} a été créé.",
      loadingTicket: "Chargement du ticket…",
      status: "État",
      department: "Service",
      conversation: "Échanges",
      noMessages: "Aucun message pour l'instant.",
      reply: "Réponse",
      sendReply: "Envoyer la réponse",
      replySent: "Votre réponse a été envoyée.",
      ticketUpdated: "Ce ticket vient d’être mis à jour.",
      closeTicket: "Fermer le ticket",
      reopenTicket: "Rouvrir le ticket",
      ticketClosed: "Le ticket est fermé.",
      ticketReopened: "Le ticket est rouvert.",
      backToList: "Retour à mes tickets",
      required: "{field} : ce champ est obligatoire.",
      networkError: "Le service d'assistance est injoignable. Vérifiez votre connexion et réessayez.",
      httpError: "Le service d'assistance a répondu par une erreur ({status}).",
      sessionEnded: "Votre session est terminée. Veuillez vous reconnecter.",
      noApi: "Ce service d'assistance n'est pas configuré : l'attribut api manque.",
    },
  };

  const CSS = `
:host{display:block;container-type:inline-size;max-width:var(--osthd-max-width,48rem);
 font:var(--osthd-font,1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--osthd-text,#1f2328)}
:host([hidden]){display:none}
*,*::before,*::after{box-sizing:border-box}
.panel{background:var(--osthd-bg,#fff);border:1px solid var(--osthd-border,#d0d7de);border-radius:var(--osthd-radius,8px);
 padding:var(--osthd-padding,1rem);overflow-wrap:anywhere}
.bar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;margin-bottom:.75rem}
.title{margin:0;font-weight:700;color:var(--osthd-muted,#57606a)}
h2{font-size:1.3rem;margin:0 0 .75rem;line-height:1.3}
.bar h2{margin:0}
h3{font-size:1.05rem;margin:1rem 0 .5rem}
h2:focus,h3:focus{outline:none}
h2:focus-visible{outline:3px solid var(--osthd-focus,#1a73e8);outline-offset:2px}
p{margin:0 0 .75rem}
form{margin:0 0 .75rem}
.field{display:flex;flex-direction:column;gap:.25rem;margin:0 0 .75rem}
label{font-weight:600}
input,select,textarea{font:inherit;width:100%;min-height:2.75rem;padding:.5rem .625rem;color:inherit;
 background:var(--osthd-field-bg,#fff);border:1px solid var(--osthd-field-border,#6e7781);border-radius:var(--osthd-field-radius,6px)}
textarea{min-height:8rem;resize:vertical}
button{font:inherit;min-height:2.75rem;padding:.5rem 1rem;border-radius:var(--osthd-field-radius,6px);cursor:pointer;
 border:1px solid var(--osthd-accent,#0a58a8);background:var(--osthd-bg,#fff);color:var(--osthd-accent,#0a58a8)}
button.primary{background:var(--osthd-accent,#0a58a8);color:var(--osthd-accent-text,#fff)}
button.link{border-color:transparent;background:none;text-decoration:underline;padding:.5rem 0}
button:disabled{opacity:.65;cursor:default}
:focus-visible{outline:3px solid var(--osthd-focus,#1a73e8);outline-offset:2px}
.error,.notice{margin:0 0 .75rem;padding:.5rem .75rem;border-left:4px solid;border-radius:4px}
.error{color:var(--osthd-error,#a4161a);background:var(--osthd-error-bg,#fdecec)}
.notice{color:var(--osthd-notice,#1a5e20);background:var(--osthd-notice-bg,#e9f5ea)}
.error:empty,.notice:empty{display:none}
.loading,.muted{color:var(--osthd-muted,#57606a)}
.tickets{list-style:none;margin:0 0 .75rem;padding:0}
.tickets li+li{border-top:1px solid var(--osthd-border,#d0d7de)}
.tickets a{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem .75rem;padding:.75rem .25rem;color:inherit;text-decoration:none}
.tickets .subject{flex:1 1 12rem;font-weight:600;color:var(--osthd-accent,#0a58a8);text-decoration:underline}
.tickets .muted{font-size:.875rem}
.badge{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.875rem;border:1px solid;white-space:nowrap}
.badge.open{color:var(--osthd-open,#1a5e20)}
.badge.closed{color:var(--osthd-closed,#57606a)}
.pager{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:0 0 .75rem}
dt{font-weight:600}
dd{margin:0}
.thread{list-style:none;margin:0 0 1rem;padding:0;display:flex;flex-direction:column;gap:.75rem}
.entry{border:1px solid var(--osthd-border,#d0d7de);border-radius:var(--osthd-radius,8px);padding:.75rem}
.entry.agent{background:var(--osthd-agent-bg,#f3f6f9)}
.entry header{display:flex;flex-wrap:wrap;gap:0 .75rem;margin-bottom:.5rem}
.entry header .muted{font-size:.875rem}
.body{max-width:100%;overflow-x:auto}
.body>:last-child{margin-bottom:0}
.body img{max-width:100%;height:auto}
.body pre,.text{white-space:pre-wrap}
.body table{border-collapse:collapse}
.body td,.body th{border:1px solid var(--osthd-border,#d0d7de);padding:.25rem .5rem}
.body .heading{font-weight:700}
.actions{display:flex;flex-wrap:wrap;gap:.5rem}
.files{margin:.5rem 0 0;padding-left:1.25rem}
input[type=file]{min-height:0;padding:.375rem}
@container (max-width:26rem){.panel{padding:.75rem}.actions button,form button{flex:1 1 100%;width:100%}}
`;

  // Agent HTML: rebuilt from these elements and attributes only. DROP loses the element with its content;
  // any other element is unwrapped (its text is kept).
  const KEEP = new Set(
    ("a abbr b blockquote br caption code dd del div dl dt em hr i img ins kbd li ol p pre q s small span " +
      "strike strong sub sup table tbody td tfoot th thead tr u ul").split(" "),
  );
  const DROP = new Set(
    ("script style template iframe frame frameset object embed applet form input button textarea select option " +
      "noscript noembed noframes link meta base svg math title head audio video source track canvas dialog").split(" "),
  );
  const NUMBER = /^\d{1,4}%?$/;
  const ATTRS = {
    a: { href: "url", title: "text" },
    img: { src: "img", alt: "text", title: "text", width: NUMBER, height: NUMBER },
    td: { colspan: NUMBER, rowspan: NUMBER },
    th: { colspan: NUMBER, rowspan: NUMBER },
    ol: { start: NUMBER },
    abbr: { title: "text" },
  };

  function safeUrl(value, image) {
    let url;
    try {
      url = new URL(value); // absolute URLs only: relative ones would resolve against the host site
    } catch {
      return null;
    }
    const ok = url.protocol === "https:" || url.protocol === "http:" || (!image && url.protocol === "mailto:");
    return ok ? url.href : null;
  }

  function copyAllowed(from, to, depth) {
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        to.append(node.data);
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE || node.namespaceURI !== "http://www.w3.org/1999/xhtml") continue;
      const tag = node.localName;
      if (DROP.has(tag) || depth > 40) continue;
      let el = null;
      if (KEEP.has(tag)) {
        el = document.createElement(tag);
      } else if (/^h[1-6]$/.test(tag)) {
        el = document.createElement("p"); // the thread's headings belong to the widget
        el.className = "heading";
      }
      if (!el) {
        copyAllowed(node, to, depth + 1);
        continue;
      }
      for (const [name, rule] of Object.entries(ATTRS[tag] || {})) {
        const value = node.getAttribute(name);
        if (value === null) continue;
        const clean =
          rule === "text" ? value : rule instanceof RegExp ? (rule.test(value) ? value : null) : safeUrl(value, rule === "img");
        if (clean !== null) el.setAttribute(name, clean);
      }
      if (tag === "img" && !el.hasAttribute("src")) {
        to.append(node.getAttribute("alt") || "");
        continue;
      }
      if (tag === "a" && el.hasAttribute("href")) {
        el.setAttribute("target", "_blank");
        el.setAttribute("rel", "noopener noreferrer nofollow ugc");
      }
      to.append(el);
      copyAllowed(node, el, depth + 1);
    }
  }

  /** Agent HTML as safe DOM nodes. DOMParser's document is inert: no script runs, no image loads. */
  function renderHtml(html) {
    const parsed = new DOMParser().parseFromString(String(html), "text/html");
    const out = document.createDocumentFragment();
    copyAllowed(parsed.body, out, 0);
    return out;
  }

  /** A "text" entry's body: osTicket stores it HTML-escaped; shown as the words, never as markup. */
  function decodeText(body) {
    return new DOMParser().parseFromString(String(body), "text/html").body.textContent;
  }

  /** Build an element: on* keys become listeners (never attributes), "text" sets textContent. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "text") el.textContent = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child);
    return el;
  }

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  /** The bridge's JSON error ({"message", "errors": {location: {field: [...]}}}) as one sentence. */
  function errorText(data) {
    if (!data || typeof data.message !== "string") return "";
    const details = [];
    for (const fields of Object.values(data.errors || {})) {
      for (const [field, messages] of Object.entries(fields || {})) {
        const detail = `${field}: ${[].concat(messages).join(" ")}`;
        if (!data.message.includes(detail)) details.push(detail);
      }
    }
    return details.length ? `${data.message} (${details.join("; ")})` : data.message;
  }

  const isClosed = (ticket) => Boolean(ticket.close_timestamp);
  const fileSize = (bytes) =>
    bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`;

  /** The fields as JSON, or as multipart/form-data when the user picked files (the bridge takes both). */
  function payload(fields, fileInput) {
    if (!fileInput.files.length) return fields;
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
    for (const file of fileInput.files) form.append("attachments", file, file.name);
    return form;
  }

  class OsticketHelpdesk extends HTMLElement {
    static observedAttributes = ["token", "lang"];
    static strings = STRINGS;

    #token = null;
    #guestTicket = null; // a guest token reaches this one ticket only
    #refreshTimer = 0;
    #gtid = null; // the primary's position after this user's last write: reads wait for a replica to have it
    #overrides = {};
    #screen = null; // re-runs the current screen (after a change of language)
    #offset = 0;
    #started = false;
    #acted = false; // focus moves only after the user did something here, never on page load
    #main;
    #notice;
    #error;
    #header;
    #live = null; // AbortController of the event stream, open while a ticket is on screen
    #lastEventId = "";
    #shown = null; // the ticket on screen: {number, entries (ids), status}, redrawn when an event tells more

    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      if ("adoptedStyleSheets" in root && window.CSSStyleSheet && "replaceSync" in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet]; // not subject to the page's style-src
      } else {
        root.append(h("style", { text: CSS }));
      }
      this.#header = h("div", { class: "bar", part: "header" });
      this.#notice = h("p", { class: "notice", part: "notice", role: "status" });
      this.#error = h("p", { class: "error", part: "error", role: "alert" });
      this.#main = h("div", { part: "content" });
      root.append(h("section", { class: "panel", part: "panel" }, this.#header, this.#error, this.#notice, this.#main));
      for (const type of ["click", "keydown", "submit"]) root.addEventListener(type, () => (this.#acted = true), true);
    }

    connectedCallback() {
      if (this.#started) return;
      this.#started = true;
      const token = this.getAttribute("token");
      if (token) this.setToken(token);
      else if (this.getAttribute("token-url")) {
        this.#start(null).append(h("p", { class: "loading", part: "loading" }, this.#t("loadingTickets")));
        this.#refreshToken().then((ok) => (ok ? this.#showList(0) : this.#showSignIn()));
      } else this.#showSignIn();
    }

    disconnectedCallback() {
      clearTimeout(this.#refreshTimer);
      this.#live?.abort();
      this.#live = null;
    }

    attributeChangedCallback(name, old, value) {
      if (!this.#started || old === value) return;
      if (name === "token") this.setToken(value);
      else if (this.#screen) this.#screen();
    }

    /** Use a token minted by the site's backend (POST /api/auth/token); a falsy value signs out. */
    setToken(token) {
      if (!token) return this.signOut();
      const first = !this.#token;
      this.#token = String(token);
      this.#guestTicket = null;
      if (first) this.#showList(0);
    }

    /** Override some strings (keys as in OsticketHelpdesk.strings.en) and redraw. */
    setStrings(strings) {
      Object.assign(this.#overrides, strings);
      if (this.#screen) this.#screen();
    }

    /** Open one ticket by number (a deep link from the site). */
    openTicket(number) {
      if (this.#token) this.#showTicket(String(number));
    }

    signOut() {
      const was = Boolean(this.#token);
      this.#token = null;
      this.#guestTicket = null;
      clearTimeout(this.#refreshTimer);
      this.#showSignIn();
      if (was) {
        this.#say(this.#t("signedOut"));
        this.dispatchEvent(new CustomEvent("osticket-signed-out", { bubbles: true, composed: true }));
      }
    }

    // ---------------------------------------------------------------- live events

    /** Keep GET /api/events/stream open while a ticket is shown (fetch streaming: EventSource cannot send the
     * token); reconnect after a pause, resuming after the last event seen. */
    async #listen() {
      if (!this.#api || !window.ReadableStream || !window.TextDecoderStream) return;
      const live = (this.#live = new AbortController());
      this.#lastEventId = "";
      while (!live.signal.aborted && this.#token) {
        try {
          const headers = { Accept: "text/event-stream", Authorization: `Bearer ${this.#token}` };
          if (this.#lastEventId) headers["Last-Event-ID"] = this.#lastEventId;
          const response = await fetch(this.#api + "/api/events/stream", {
            headers,
            signal: live.signal,
            credentials: "omit",
            cache: "no-store",
          });
          if (response.ok && response.body) await this.#readEvents(response.body);
        } catch {
          // offline, aborted, or the server went away: try again below
        }
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    }

    async #readEvents(body) {
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("id: ")) this.#lastEventId = line.slice(4);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data) this.#onEvent(JSON.parse(data));
        }
      }
    }

    /** An event telling something the ticket on screen does not show yet (an entry, a status) redraws it, keeping
     * the reply being typed; every event is re-dispatched as "osticket-event" for the page. */
    async #onEvent(event) {
      this.dispatchEvent(new CustomEvent("osticket-event", { detail: event, bubbles: true, composed: true }));
      const said = event.data || {};
      const shown = this.#shown;
      if (!shown || said.ticket?.number !== shown.number) return;
      if (said.entry ? shown.entries.has(said.entry.id) : (said.status || said.ticket.status)?.name === shown.status) {
        return;
      }
      const number = shown.number;
      try {
        const { data } = await this.#call("GET", `/api/tickets.json/${encodeURIComponent(number)}`);
        if (this.#shown?.number !== number) return;
        this.#renderTicket(data, null);
        this.#say(this.#t("ticketUpdated"));
      } catch {
        // the next event, or the user, will try again
      }
    }

    // ---------------------------------------------------------------- plumbing

    #t(key, vars = {}) {
      const lang = (this.getAttribute("lang") || "en").toLowerCase();
      const table = { ...STRINGS.en, ...(STRINGS[lang] || STRINGS[lang.split("-")[0]] || {}), ...this.#overrides };
      return String(table[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
    }

    get #api() {
      return (this.getAttribute("api") || SCRIPT_ORIGIN).replace(/\/+$/, "");
    }

    async #call(method, path, body, auth = true, retried = false) {
      if (!this.#api) throw new ApiError(this.#t("noApi"), 0);
      const headers = { Accept: "application/json" };
      const form = body instanceof FormData; // the browser sets its multipart Content-Type
      if (body !== undefined && !form) headers["Content-Type"] = "application/json";
      if (auth) headers.Authorization = `Bearer ${this.#token}`;
      if (this.#gtid) headers["X-Bridge-GTID"] = this.#gtid; // read-your-writes with read replicas
      let response;
      try {
        response = await fetch(this.#api + path, {
          method,
          headers,
          body: body === undefined || form ? body : JSON.stringify(body),
          mode: "cors",
          credentials: "omit",
          cache: "no-store",
        });
      } catch {
        throw new ApiError(this.#t("networkError"), 0);
      }
      this.#gtid = response.headers.get("X-Bridge-GTID") || this.#gtid;
      if (response.status === 401 && auth && !retried && this.getAttribute("token-url") && (await this.#refreshToken())) {
        return this.#call(method, path, body, auth, true);
      }
      let data = null;
      try {
        data = await response.json();
      } catch {
        data = null;
      }
      if (!response.ok) {
        const error = new ApiError(errorText(data) || this.#t("httpError", { status: response.status }), response.status);
        if (response.status === 401 && auth) this.#sessionEnded(error);
        throw error;
      }
      return { data, total: Number(response.headers.get("X-Total-Count") || 0) };
    }

    /** token-url: the site's own endpoint (same origin, its session cookie) answering {"token", "expires_in"}. */
    async #refreshToken() {
      clearTimeout(this.#refreshTimer);
      try {
        const response = await fetch(this.getAttribute("token-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return false;
        const { token, expires_in: ttl } = await response.json();
        if (!token) return false;
        this.#token = token;
        this.#guestTicket = null;
        if (ttl > 0) this.#refreshTimer = setTimeout(() => this.#refreshToken(), Math.max(10, ttl - 60) * 1000);
        return true;
      } catch {
        return false;
      }
    }

    #sessionEnded(error) {
      this.#token = null;
      this.#guestTicket = null;
      this.dispatchEvent(new CustomEvent("osticket-token-expired", { bubbles: true, composed: true }));
      error.shown = true;
      this.#showSignIn();
      this.#fail(`${this.#t("sessionEnded")} (${error.message})`);
    }

    #focus(el) {
      if (this.#acted && el) el.focus();
    }

    #say(text) {
      this.#notice.textContent = text;
    }

    #fail(text) {
      this.#error.textContent = text;
    }

    #clearMessages() {
      this.#notice.textContent = "";
      this.#error.textContent = "";
    }

    /** Start a screen: header (with Sign out when signed in), fresh content; returns the content element.
     * Only a ticket's screen (``ticket``: its number) keeps the live event stream open. */
    #start(render, ticket = null) {
      this.#screen = render;
      if (ticket === null || ticket !== this.#shown?.number) {
        this.#live?.abort();
        this.#live = null;
      }
      this.#shown = null;
      this.#clearMessages();
      const title = h("p", { class: "title", part: "title", text: this.#t("title") });
      const signOut =
        this.#token &&
        h("button", { type: "button", part: "button sign-out", onclick: () => this.signOut() }, this.#t("signOut"));
      this.#header.replaceChildren(title, signOut || "");
      this.#main.replaceChildren();
      return this.#main;
    }

    #field(id, label, control) {
      control.id = id;
      return h("div", { class: "field", part: "field" }, h("label", { for: id, part: "label" }, label), control);
    }

    #input(attrs) {
      return h("input", { part: "input", ...attrs });
    }

    #files() {
      return h("input", { type: "file", name: "attachments", multiple: true, part: "input file" });
    }

    #heading(text) {
      return h("h2", { tabindex: "-1", part: "heading" }, text);
    }

    /** Refuse an empty required field: say which, focus it. */
    #missing(...controls) {
      for (const control of controls) {
        if (!control.value.trim()) {
          const label = control.closest(".field").querySelector("label").textContent;
          this.#fail(this.#t("required", { field: label }));
          this.#focus(control);
          return true;
        }
      }
      return false;
    }

    /** Run an action with its button busy; API errors are shown, then focus goes to ``focusOnError``. */
    async #busy(button, busyText, action, focusOnError) {
      const label = button.textContent;
      button.disabled = true;
      button.textContent = busyText;
      this.#clearMessages();
      try {
        await action();
      } catch (error) {
        if (!error.shown) {
          this.#fail(error.message);
          this.#focus(focusOnError || button);
        }
      } finally {
        if (button.isConnected) {
          button.disabled = false;
          button.textContent = label;
        }
      }
    }

    // ---------------------------------------------------------------- screens

    #showSignIn() {
      const main = this.#start(() => this.#showSignIn());
      const username = this.#input({ type: "text", name: "username", autocomplete: "username", required: true });
      const password = this.#input({ type: "password", name: "password", autocomplete: "current-password", required: true });
      const submit = h("button", { type: "submit", class: "primary", part: "button button-primary" }, this.#t("signIn"));
      const form = h(
        "form",
        { novalidate: true, part: "form" },
        this.#field("osthd-username", this.#t("username"), username),
        this.#field("osthd-password", this.#t("password"), password),
        submit,
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (this.#missing(username, password)) return;
        this.#busy(
          submit,
          this.#t("signingIn"),
          async () => {
            const { data } = await this.#call(
              "POST",
              "/api/auth/login",
              { username: username.value.trim(), password: password.value },
              false,
            );
            this.#signedIn(data);
            await this.#showList(0);
          },
          password,
        );
      });
      const guest = h(
        "button",
        { type: "button", class: "link", part: "button link", onclick: () => this.#showGuest() },
        this.#t("guestLink"),
      );
      const heading = this.#heading(this.#t("signInHeading"));
      main.append(heading, form, guest);
      this.#focus(heading);
    }

    #showGuest() {
      const main = this.#start(() => this.#showGuest());
      const number = this.#input({ type: "text", name: "ticket_number", inputmode: "numeric", autocomplete: "off", required: true });
      const email = this.#input({ type: "email", name: "email", autocomplete: "email", required: true });
      const submit = h("button", { type: "submit", class: "primary", part: "button button-primary" }, this.#t("viewTicket"));
      const form = h(
        "form",
        { novalidate: true, part: "form" },
        this.#field("osthd-number", this.#t("ticketNumber"), number),
        this.#field("osthd-email", this.#t("email"), email),
        submit,
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (this.#missing(number, email)) return;
        this.#busy(
          submit,
          this.#t("checking"),
          async () => {
            const { data } = await this.#call(
              "POST",
              "/api/auth/guest",
              { ticket_number: number.value.trim(), email: email.value.trim() },
              false,
            );
            this.#signedIn(data);
            await this.#showTicket(data.ticket_number);
          },
          number,
        );
      });
      const back = h(
        "button",
        { type: "button", class: "link", part: "button link", onclick: () => this.#showSignIn() },
        this.#t("backToSignIn"),
      );
      main.append(this.#heading(this.#t("guestHeading")), h("p", {}, this.#t("guestIntro")), form, back);
      this.#focus(main.querySelector("h2"));
    }

    #signedIn(data) {
      this.#token = data.token;
      this.#guestTicket = data.ticket_number || null;
      this.dispatchEvent(new CustomEvent("osticket-signed-in", { bubbles: true, composed: true }));
    }

    #pageSize() {
      const size = parseInt(this.getAttribute("page-size") || "10", 10);
      return size > 0 && size <= 100 ? size : 10;
    }

    async #showList(offset, focusNumber) {
      this.#offset = offset;
      const main = this.#start(() => this.#showList(offset));
      const heading = this.#heading(this.#t("myTickets"));
      const bar = h("div", { class: "bar" }, heading);
      if (!this.#guestTicket) {
        bar.append(
          h(
            "button",
            { type: "button", class: "primary", part: "button button-primary new-ticket", onclick: () => this.#showNew() },
            this.#t("newTicket"),
          ),
        );
      }
      const loading = h("p", { class: "loading", part: "loading" }, this.#t("loadingTickets"));
      main.append(bar, loading);
      this.#focus(heading);
      const size = this.#pageSize();
      let result;
      try {
        result = await this.#call("GET", `/api/tickets.json?limit=${size}&offset=${offset}`);
      } catch (error) {
        if (!error.shown) this.#fail(error.message);
        loading.remove();
        return;
      }
      if (this.#screen === null || !loading.isConnected) return; // the user moved on meanwhile
      loading.remove();
      const tickets = result.data || [];
      if (!tickets.length) {
        main.append(h("p", { part: "empty" }, this.#t("noTickets")));
        return;
      }
      const list = h("ul", { class: "tickets", part: "ticket-list" });
      for (const ticket of tickets) {
        const closed = isClosed(ticket);
        const link = h(
          "a",
          {
            href: "#",
            part: "ticket-link",
            "data-number": ticket.ticket_number,
            onclick: (event) => {
              event.preventDefault();
              this.#showTicket(ticket.ticket_number);
            },
          },
          h("span", { class: "subject" }, ticket.subject || this.#t("numbered", { number: ticket.ticket_number })),
          h("span", { class: `badge ${closed ? "closed" : "open"}`, part: "status-badge" }, ticket.ticket_status || ""),
          h("span", { class: "muted" }, this.#t("numbered", { number: ticket.ticket_number })),
          h("span", { class: "muted" }, this.#t("opened", { time: ticket.create_timestamp || "" })),
        );
        list.append(h("li", {}, link));
      }
      main.append(list);
      const pages = Math.max(1, Math.ceil(result.total / size));
      if (pages > 1) {
        const page = Math.floor(offset / size) + 1;
        const previous = h(
          "button",
          { type: "button", part: "button", disabled: page <= 1, onclick: () => this.#turn(offset - size, "previous") },
          this.#t("previousPage"),
        );
        const next = h(
          "button",
          { type: "button", part: "button", disabled: page >= pages, onclick: () => this.#turn(offset + size, "next") },
          this.#t("nextPage"),
        );
        main.append(
          h(
            "nav",
            { class: "pager", part: "pager", "aria-label": this.#t("pages") },
            previous,
            h("span", {}, this.#t("page", { page, pages })),
            next,
          ),
        );
      }
      const back = focusNumber && [...list.querySelectorAll("a")].find((a) => a.dataset.number === focusNumber);
      this.#focus(back);
    }

    async #turn(offset, direction) {
      await this.#showList(Math.max(0, offset));
      const buttons = this.#main.querySelectorAll("nav button");
      const button = buttons[direction === "previous" ? 0 : 1];
      if (button && !button.disabled) this.#focus(button);
    }

    async #showNew() {
      const main = this.#start(() => this.#showNew());
      const heading = this.#heading(this.#t("newTicket"));
      const topic = h("select", { name: "topicId", part: "input select", required: true, disabled: true });
      topic.append(h("option", { value: "" }, this.#t("loadingTopics")));
      const subject = this.#input({ type: "text", name: "subject", maxlength: "255", required: true });
      const message = h("textarea", { name: "message", rows: "6", part: "input textarea", required: true });
      const files = this.#files();
      const submit = h("button", { type: "submit", class: "primary", part: "button button-primary" }, this.#t("submitTicket"));
      const cancel = h(
        "button",
        { type: "button", part: "button", onclick: () => this.#showList(this.#offset) },
        this.#t("cancel"),
      );
      const form = h(
        "form",
        { novalidate: true, part: "form" },
        this.#field("osthd-topic", this.#t("topic"), topic),
        this.#field("osthd-subject", this.#t("subject"), subject),
        this.#field("osthd-message", this.#t("message"), message),
        this.#field("osthd-files", this.#t("attachments"), files),
        h("div", { class: "actions" }, submit, cancel),
      );
      main.append(heading, form);
      this.#focus(heading);
      let topics = [];
      try {
        topics = (await this.#call("GET", "/api/topics.json")).data || [];
      } catch (error) {
        if (!error.shown) this.#fail(error.message);
      }
      topic.replaceChildren(
        h("option", { value: "" }, this.#t("chooseTopic")),
        ...topics.map((t) => h("option", { value: String(t.id) }, t.value)),
      );
      topic.disabled = false;
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (this.#missing(...(topics.length ? [topic] : []), subject, message)) return;
        const body = { subject: subject.value.trim(), message: message.value };
        if (topic.value) body.topicId = Number(topic.value);
        this.#busy(submit, this.#t("sending"), async () => {
          const { data } = await this.#call("POST", "/api/tickets.json", payload(body, files));
          this.dispatchEvent(
            new CustomEvent("osticket-ticket-created", { bubbles: true, composed: true, detail: { number: data.ticket_number } }),
          );
          this.#renderTicket(data);
          this.#say(this.#t("ticketCreated", { number: data.ticket_number }));
        });
      });
    }

    async #showTicket(number) {
      const main = this.#start(() => this.#showTicket(number));
      const loading = h("p", { class: "loading", part: "loading", tabindex: "-1" }, this.#t("loadingTicket"));
      main.append(loading);
      this.#focus(loading);
      try {
        const { data } = await this.#call("GET", `/api/tickets.json/${encodeURIComponent(number)}`);
        if (loading.isConnected) this.#renderTicket(data);
      } catch (error) {
        if (error.shown) return;
        this.#renderBackOnly();
        this.#fail(error.message);
      }
    }

    #backButton(number) {
      return h(
        "button",
        { type: "button", part: "button back", onclick: () => this.#showList(this.#offset, number) },
        this.#t("backToList"),
      );
    }

    #renderBackOnly() {
      const back = this.#backButton();
      this.#main.replaceChildren(h("div", { class: "actions" }, back));
      this.#focus(back);
    }

    /** An entry's files (not the images shown in its body) as download links; the bridge signs each url. */
    #attachmentList(attachments) {
      const files = (attachments || []).filter((file) => !file.inline && safeUrl(file.url, false));
      if (!files.length) return null;
      return h(
        "ul",
        { class: "files", part: "attachments", "aria-label": this.#t("files") },
        files.map((file) =>
          h(
            "li",
            {},
            h("a", { href: safeUrl(file.url, false), part: "attachment-link" }, file.name),
            h("span", { class: "muted" }, ` (${fileSize(file.size || 0)})`),
          ),
        ),
      );
    }

    #renderTicket(ticket, focus = "heading") {
      const number = ticket.ticket_number;
      const old = this.#shown?.number === number ? this.#main.querySelector("textarea") : null;
      const draft = old?.value || "";
      const typing = Boolean(old) && this.shadowRoot.activeElement === old;
      const main = this.#start(() => this.#showTicket(number), number);
      this.#shown = { number, entries: new Set((ticket.threads || []).map((e) => e.id)), status: ticket.ticket_status };
      if (!this.#live && this.getAttribute("live") !== "off") this.#listen();
      const closed = isClosed(ticket);
      const heading = this.#heading(ticket.subject || this.#t("numbered", { number }));
      const row = (term, value) => value && [h("dt", {}, term), h("dd", {}, value)];
      const details = h(
        "dl",
        { part: "details" },
        row(this.#t("ticketNumber"), number),
        row(this.#t("status"), ticket.ticket_status),
        row(this.#t("topic"), ticket.topic),
        row(this.#t("department"), ticket.department),
      );
      const entries = (ticket.threads || []).filter((e) => e.type === "M" || e.type === "R");
      const thread = h("ol", { class: "thread", part: "thread" });
      for (const entry of entries) {
        const agent = entry.type === "R";
        const body =
          entry.format === "html"
            ? h("div", { class: "body", part: "entry-body" }, renderHtml(entry.body || ""))
            : h("div", { class: "body text", part: "entry-body" }, decodeText(entry.body || ""));
        thread.append(
          h(
            "li",
            {},
            h(
              "article",
              { class: `entry ${agent ? "agent" : "user"}`, part: `entry ${agent ? "entry-agent" : "entry-user"}` },
              h("header", {}, h("strong", {}, entry.poster || ""), h("span", { class: "muted" }, entry.created || "")),
              body,
              this.#attachmentList(entry.attachments),
            ),
          ),
        );
      }
      const reply = h("textarea", { name: "reply", rows: "4", part: "input textarea", required: true });
      if (focus === null) reply.value = draft || ""; // a live refresh keeps what the user was typing
      const files = this.#files();
      const send = h("button", { type: "submit", class: "primary", part: "button button-primary" }, this.#t("sendReply"));
      const form = h(
        "form",
        { novalidate: true, part: "form reply-form" },
        this.#field("osthd-reply", this.#t("reply"), reply),
        this.#field("osthd-files", this.#t("attachments"), files),
        send,
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (this.#missing(reply)) return;
        this.#busy(
          send,
          this.#t("sending"),
          async () => {
            const { data } = await this.#call(
              "PUT",
              `/api/tickets.json/${encodeURIComponent(number)}`,
              payload({ message: reply.value }, files),
            );
            this.#renderTicket(data, "reply");
            this.#say(this.#t("replySent"));
          },
          reply,
        );
      });
      const toggle = h(
        "button",
        { type: "button", part: "button", "data-action": closed ? "reopen" : "close" },
        this.#t(closed ? "reopenTicket" : "closeTicket"),
      );
      toggle.addEventListener("click", () =>
        this.#busy(toggle, this.#t("sending"), async () => {
          const { data } = await this.#call(closed ? "POST" : "DELETE", `/api/tickets.json/${encodeURIComponent(number)}`);
          this.#renderTicket(data, "toggle");
          this.#say(this.#t(closed ? "ticketReopened" : "ticketClosed"));
        }),
      );
      const conversation = h("h3", {}, this.#t("conversation"));
      main.append(
        heading,
        details,
        h("section", { "aria-label": this.#t("conversation") }, conversation, entries.length ? thread : h("p", {}, this.#t("noMessages"))),
        form,
        h("div", { class: "actions" }, toggle, this.#backButton(number)),
      );
      this.#focus({ heading, reply, toggle }[focus]);
      if (focus === null && typing) reply.focus();
    }
  }

  customElements.define("osticket-helpdesk", OsticketHelpdesk);
})();

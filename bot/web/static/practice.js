/* The trainee's practice page: talks to Rasa's socket.io channel, shows who said what,
   the stage of the cycle and the customer's mood, and the scorecard at the end. */
(() => {
  "use strict";
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const KEY = "trainer.sender." + cfg.trainee;
  const REPLY_TIMEOUT_MS = cfg.replyTimeoutMs || 15000;
  const NAMES = { customer: "Customer", trainee: "You", coach: "Coach" };

  let sender = localStorage.getItem(KEY);
  let socket = null;
  let waitTimer = null;
  let flushTimer = null;
  let pendingTexts = [];
  let unanswered = null;
  let outbox = []; // said before the first connection to Rasa: sent as soon as the session is confirmed
  let everConnected = false;

  function newSender() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function showStatus(text) {
    const box = $("status");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function addLine(speaker, text, note) {
    const item = document.createElement("li");
    item.className = "line " + speaker;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = (NAMES[speaker] || "Coach") + ": ";
    item.append(who, document.createTextNode(text));
    if (note) {
      const small = document.createElement("span");
      small.className = "note";
      small.textContent = " " + note;
      item.append(small);
    }
    $("log").append(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function setStage(stage) {
    const items = Array.from(document.querySelectorAll("#stages li"));
    const current = items.findIndex((li) => li.dataset.stage === stage);
    items.forEach((li, i) => {
      li.classList.toggle("done", current >= 0 && i < current);
      if (i === current) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
  }

  function setMood(mood) {
    if (mood) $("mood").textContent = mood;
  }

  function waiting(on) {
    $("typing").hidden = !on;
    clearTimeout(waitTimer);
    if (on) waitTimer = setTimeout(noReply, REPLY_TIMEOUT_MS);
  }

  function replyArrived() {
    waiting(false);
    unanswered = null;
    showStatus(null);
  }

  function onBot(message) {
    if (!message) return;
    if (typeof message.text === "string") {
      // Plain text comes before the payload that says who said it; wait briefly for it.
      pendingTexts.push(message.text);
      clearTimeout(flushTimer);
      flushTimer = setTimeout(() => {
        replyArrived();
        pendingTexts.forEach((text) => addLine("coach", text));
        pendingTexts = [];
      }, 700);
      return;
    }
    clearTimeout(flushTimer);
    pendingTexts = [];
    replyArrived();
    (message.lines || []).forEach((line) => addLine(line.speaker, line.text));
    if (message.hint) $("hint-box").textContent = message.hint;
    if (message.stage) setStage(message.stage);
    setMood(message.mood);
    if (message.ended && message.session_id) showScorecard(message.session_id);
  }

  function send(text) {
    if (!socket || !socket.connected) {
      if (!everConnected) {
        // The page is still connecting (a quick click after loading): keep the message and send it once connected.
        outbox.push(text);
        showStatus("Connecting to the practice server; your message goes as soon as it is connected.");
        waiting(true);
        return true;
      }
      showStatus("Not connected to the practice server. Your message is kept in the box; send it again once the connection is back.");
      return false;
    }
    emit(text);
    return true;
  }

  function emit(text) {
    socket.emit("user_uttered", { message: text, session_id: sender, metadata: { trainee: cfg.trainee, trainee_pass: cfg.traineePass } });
    waiting(true);
  }

  async function checkStatus(afterSilence) {
    try {
      const response = await fetch("/api/status");
      const status = await response.json();
      if (!status.rasa) {
        showStatus("The practice server (Rasa) is not running or not reachable. Ask your administrator to start it (make run); this page retries by itself.");
      } else if (!status.actions) {
        showStatus("The customer cannot answer right now: the action server is not running. Your message is kept; send it again when it is back.");
      } else if (afterSilence) {
        showStatus("The customer has not answered yet. The server may be busy: please send your message again.");
      } else if (socket && socket.connected) {
        showStatus(null);
      }
      return status;
    } catch (error) {
      showStatus("The training web app is not reachable. Check your connection and reload the page.");
      return null;
    }
  }

  function noReply() {
    $("typing").hidden = true;
    outbox = []; // never sent: it goes back to the box below, to be sent again
    if (unanswered) {
      unanswered.item.classList.add("unanswered");
      const input = $("say");
      if (!input.value) input.value = unanswered.text;
    }
    checkStatus(true);
  }

  async function showScorecard(sessionId) {
    setStage("keeping");
    try {
      const response = await fetch("/scorecards/" + encodeURIComponent(sessionId) + "/fragment");
      if (!response.ok) throw new Error(String(response.status));
      const box = $("scorecard");
      box.innerHTML = await response.text();
      box.hidden = false;
      if (window.serviceCharts) window.serviceCharts.draw(box);
      box.focus();
    } catch (error) {
      showStatus("The scorecard could not be loaded. Reload the page to try again.");
    }
  }

  function showPractice(fresh) {
    $("setup").hidden = true;
    $("practice").hidden = false;
    if (fresh) {
      $("log").innerHTML = "";
      $("hint-box").textContent = "";
      $("scorecard").hidden = true;
      $("scorecard").innerHTML = "";
      setStage("receiving");
    }
    $("say").focus();
  }

  function showSetup() {
    $("practice").hidden = true;
    $("setup").hidden = false;
    $("scenario").focus();
  }

  function describeScenario() {
    const chosen = cfg.scenarios.find((s) => s.id === $("scenario").value);
    $("scenario-setting").textContent = chosen ? chosen.setting : "";
  }

  async function resume() {
    if (!sender) {
      sender = newSender();
      localStorage.setItem(KEY, sender);
      showSetup();
      return;
    }
    try {
      const response = await fetch("/api/practice/" + encodeURIComponent(sender));
      const data = await response.json();
      if (!data.session) return showSetup();
      showPractice(true);
      data.session.transcript.forEach((turn) => addLine(turn.speaker, turn.text));
      setStage(data.session.stage);
      setMood(data.session.mood);
      if (data.session.ended) showScorecard(data.session.session_id);
    } catch (error) {
      showSetup();
    }
  }

  function connect() {
    socket = io(cfg.rasaUrl, { transports: ["websocket", "polling"], reconnectionDelay: 1000, timeout: 5000 });
    socket.on("connect", () => socket.emit("session_request", { session_id: sender }));
    socket.on("session_confirm", () => {
      everConnected = true;
      checkStatus(false);
      outbox.splice(0).forEach(emit);
    });
    socket.on("connect_error", () => checkStatus(false));
    socket.on("disconnect", () => showStatus("Lost the connection to the practice server; reconnecting..."));
    socket.on("bot_uttered", onBot);
  }

  $("start-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const difficulty = document.querySelector("input[name=difficulty]:checked").value;
    const command = "/start" + JSON.stringify({ scenario: $("scenario").value, difficulty: difficulty });
    if (send(command)) showPractice(true);
  });

  $("say-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("say");
    const text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    if (!send(text)) return;
    unanswered = { text: text, item: addLine("trainee", text) };
    input.value = "";
    input.focus();
  });

  $("hint").addEventListener("click", () => send("/hint"));
  $("end").addEventListener("click", () => send("/end"));
  $("restart").addEventListener("click", () => {
    if (send("/restart")) showPractice(true);
  });
  $("new").addEventListener("click", showSetup);
  $("scenario").addEventListener("change", describeScenario);

  describeScenario();
  resume().then(connect);
  setInterval(() => checkStatus(false), 20000);
})();

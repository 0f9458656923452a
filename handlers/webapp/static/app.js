// The officers' console: plain JS, no build step, no external request.
// Who is asking travels as Telegram's signed init data on every request.
"use strict";
(function () {
  var tg = window.Telegram && window.Telegram.WebApp;
  var initData = (tg && tg.initData) || new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") || "";
  var T = {};
  var $ = function (id) { return document.getElementById(id); };
  var main = $("main");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "on") Object.keys(attrs.on).forEach(function (e) { node.addEventListener(e, attrs.on[e]); });
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }
  function fold(text) {  // Vietnamese without accents: "Nguyễn Đức" -> "nguyen duc"
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  function toast(text) {
    var box = $("toast"); box.textContent = text; box.hidden = false;
    clearTimeout(toast.timer); toast.timer = setTimeout(function () { box.hidden = true; }, 3500);
  }
  function refuse(text) {
    main.replaceChildren(el("p", {"class": "refused", id: "refused", text: text}));
  }

  function api(method, path, body) {
    var options = {method: method, headers: {"Authorization": "tma " + initData}};
    if (body !== undefined) { options.body = JSON.stringify(body); options.headers["Content-Type"] = "application/json"; }
    return fetch("api/" + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || T.network || "Error"); error.status = response.status; throw error;
        }
        return data;
      });
    }, function () { throw new Error(T.network || "Network error"); });
  }
  function failed(error) {
    if (error.status === 401 || error.status === 403) refuse(error.message); else toast(error.message);
  }

  // A small modal instead of window.prompt (which some Telegram clients block).
  function ask(label, value, withInput) {
    return new Promise(function (resolve) {
      var modal = $("modal"), input = $("modal-input"), form = $("modal-form");
      $("modal-label").textContent = label;
      input.hidden = withInput === false; input.value = value || "";
      modal.hidden = false; if (!input.hidden) input.focus();
      function done(result) { modal.hidden = true; form.onsubmit = null; $("modal-cancel").onclick = null; resolve(result); }
      form.onsubmit = function (e) { e.preventDefault(); done(input.hidden ? true : input.value); };
      $("modal-cancel").onclick = function () { done(null); };
    });
  }

  function setTitle(text, back) {
    $("title").textContent = text; document.title = text;
    var button = $("back"); button.hidden = !back; button.textContent = T.back || "‹";
    button.onclick = back || null;
  }

  // --- home -----------------------------------------------------------------------------
  var home = null;
  function showHome() {
    setTitle(T.title);
    var nodes = [];
    if (home.branches.length) nodes.push(el("h2", {text: T.home_branches}));
    home.branches.forEach(function (b) {
      var card = el("div", {"class": "card"}, [el("strong", {text: b.name})]);
      b.meetings.forEach(function (m) {
        card.appendChild(el("button", {"class": "item", type: "button", "data-meeting": m.id,
          on: {click: function () { showRollcall(m.id); }}, text: "📋 " + m.when + (m.closed ? " ✔" : "")}));
      });
      if (!b.meetings.length) card.appendChild(el("p", {"class": "muted", text: T.no_meetings}));
      card.appendChild(el("button", {"class": "item", type: "button", "data-unit": b.id,
        on: {click: function () { showMembers(b.id); }}, text: "👥 " + T.members}));
      nodes.push(card);
    });
    if (home.committees.length) nodes.push(el("h2", {text: T.home_committees}));
    home.committees.forEach(function (c) {
      nodes.push(el("button", {"class": "item", type: "button", "data-scope": c.key,
        on: {click: function () { showYear(c.key); }}, text: "📊 " + c.name}));
    });
    main.replaceChildren.apply(main, nodes);
  }

  // --- roll call ------------------------------------------------------------------------
  var STATES = ["present", "excused", "unexcused"];
  // Each text named in full (T is filled once the page has its texts).
  function stateText(state) { return {present: T.present, excused: T.excused, unexcused: T.unexcused}[state]; }
  function roleText(role) { return {chair: T.chair, secretary: T.secretary}[role]; }
  function ruleText(level) { return {warn: T.rule_warn, flag: T.rule_flag}[level]; }
  var MARK = {present: "✅", excused: "🟡", unexcused: "❌"};
  function showRollcall(meetingId) {
    main.replaceChildren(el("p", {"class": "muted", text: T.loading}));
    api("GET", "rollcall/" + meetingId).then(function (roll) { renderRollcall(roll); }, failed);
  }
  function renderRollcall(roll) {
    var m = roll.meeting, query = "";
    setTitle(T.rollcall, showHome);
    var counts = el("div", {"class": "counts", id: "counts"});
    var lists = el("div", {id: "groups"});
    var search = el("input", {id: "search", type: "search", placeholder: T.search,
      on: {input: function () { query = fold(search.value.trim()); draw(); }}});
    var times = el("span", {id: "times"}), chair = el("span", {id: "chair"}), secretary = el("span", {id: "secretary"});
    function drawHead() {
      times.textContent = T.times + ": " + m.start + "–" + m.end + " (" + m.minutes + " " + T.minutes + ")";
      chair.textContent = T.chair + ": " + (roll.chair || "—");
      secretary.textContent = T.secretary + ": " + (roll.secretary || "—");
    }
    function editButton(id, handler) {
      return m.closed ? null : el("button", {"class": "btn", type: "button", id: id, on: {click: handler}, text: T.edit});
    }
    function draw() {
      var members = roll.rows.filter(function (r) { return r.member; });
      var present = members.filter(function (r) { return r.status === "present"; }).length;
      counts.replaceChildren(el("span", {id: "count-present", text: fill(T.counts, {present: present, total: members.length})}),
        el("span", {text: "🟡 " + members.filter(function (r) { return r.status === "excused"; }).length}),
        el("span", {text: "❌ " + members.filter(function (r) { return r.status === "unexcused"; }).length}));
      lists.replaceChildren.apply(lists, STATES.map(function (state) {
        var rows = roll.rows.filter(function (r) { return r.status === state && (!query || fold(r.name).indexOf(query) >= 0); });
        return el("section", {"class": "group", "data-state": state}, [el("h2", {text: stateText(state) + " (" + rows.length + ")"}),
          el("div", {"class": "rows"}, rows.map(rowButton))]);
      }).concat((roll.guests || []).length ? [el("section", {"class": "group", id: "guests"}, [el("h2", {text: T.guests}),
        el("div", {"class": "rows"}, roll.guests.map(guestButton))])] : []));
    }
    function rowButton(r) {
      var detail = r.reason || r.standing || "";
      return el("button", {"class": "row", type: "button", "data-person": r.person, "data-status": r.status,
        on: {click: function (e) { tap(r, e.currentTarget); }}},
        [el("span", {"class": "mark", text: MARK[r.status]}),
         el("span", {"class": "who"}, [r.name + (r.telegram ? "" : " " + T.no_telegram) + (r.late ? " " + T.late : ""),
           detail ? el("small", {text: detail}) : null])]);
    }
    function replace(row) {
      roll.rows = roll.rows.map(function (r) { return r.person === row.person ? row : r; });
      draw();
    }
    function tap(r, node) {
      if (m.closed || node.classList.contains("busy")) return;
      node.classList.add("busy");
      api("POST", "rollcall/" + m.id + "/tap", {person: r.person}).then(function (result) {
        replace(result.row);
        if (!result.ask_reason) return;
        return ask(fill(T.reason_ask, {name: r.name}), "").then(function (reason) {
          if (!reason || !reason.trim()) return;
          return api("POST", "rollcall/" + m.id + "/reason", {person: r.person, reason: reason}).then(function (res) { replace(res.row); });
        });
      }).catch(function (error) { node.classList.remove("busy"); failed(error); });
    }
    function editTimes() {
      ask(T.times_ask, m.start + "-" + m.end).then(function (text) {
        if (text === null) return;
        api("POST", "rollcall/" + m.id + "/times", {text: text}).then(function (res) { m = res.meeting; drawHead(); }, failed);
      });
    }
    function editRole(role) {
      return function () {
        ask(fill(T.role_ask, {role: roleText(role).toLowerCase()}), roll[role] || "").then(function (name) {
          if (name === null) return;
          api("POST", "rollcall/" + m.id + "/role", {role: role, name: name}).then(function (res) { roll[role] = res.name; drawHead(); }, failed);
        });
      };
    }
    function closed(res) {
      m.closed = true; m.correcting = null; toast(T.closed);
      renderRollcall(Object.assign({}, roll, {meeting: m, minutes: res.minutes}));
    }
    function close() {  // as the chat: anyone still unmarked is listed first
      api("POST", "rollcall/" + m.id + "/close", {}).then(function (res) {
        if (res.closed) return closed(res);
        return ask(res.question, "", false).then(function (ok) {
          if (!ok) return;
          return api("POST", "rollcall/" + m.id + "/close", {confirmed: true}).then(closed);
        });
      }).catch(failed);
    }
    function addPerson() {
      ask(T.rollcall_ask_add, "").then(function (name) {
        if (!name || !name.trim()) return;
        api("POST", "rollcall/" + m.id + "/add", {name: name}).then(function (res) {
          renderRollcall(res.roll); toast(res.message);
        }, failed);
      });
    }
    function reopen() {
      ask(T.rollcall_ask_correction, "").then(function (reason) {
        if (reason === null) return;
        api("POST", "rollcall/" + m.id + "/reopen", {reason: reason}).then(renderRollcall, failed);
      });
    }
    function guestButton(g) {
      return el("button", {"class": "row", type: "button", "data-guest": g.id, "data-present": g.present ? "1" : "0",
        on: {click: function (e) {
          var node = e.currentTarget;
          if (m.closed || node.classList.contains("busy")) return;
          node.classList.add("busy");
          api("POST", "rollcall/" + m.id + "/guest", {guest: g.id}).then(function (res) {
            roll.guests = roll.guests.map(function (x) { return x.id === g.id ? res.guest : x; }); draw();
          }, function (error) { node.classList.remove("busy"); failed(error); });
        }}}, [el("span", {"class": "mark", text: g.present ? T.rollcall_guest : T.rollcall_guest_absent}),
              el("span", {"class": "who", text: g.name})]);
    }
    drawHead(); draw();
    main.replaceChildren(
      el("div", {"class": "card" + (m.closed ? " closed" : "")}, [el("div", {"class": "pre", text: m.title}),
        el("div", {"class": "line"}, [times, editButton("edit-times", editTimes)]),
        el("div", {"class": "line"}, [chair, editButton("edit-chair", editRole("chair"))]),
        el("div", {"class": "line"}, [secretary, editButton("edit-secretary", editRole("secretary"))])]),
      m.correcting ? el("p", {id: "correcting", "class": "card", text: fill(T.rollcall_correcting, {reason: m.correcting})}) : null,
      m.closed ? el("p", {id: "closed", "class": "card pre", text: T.closed + (roll.minutes ? "\n\n" + roll.minutes : "")}) :
        el("p", {"class": "muted", text: T.tap_hint}),
      m.closed ? el("p", {}, [el("button", {"class": "btn", type: "button", id: "reopen", on: {click: reopen}, text: T.rollcall_btn_correct})]) : null,
      counts, search, el("div", {"class": m.closed ? "closed" : ""}, [lists]),
      m.closed ? null : el("p", {"class": "line"}, [el("button", {"class": "btn", type: "button", id: "add", on: {click: addPerson}, text: T.rollcall_btn_add}),
        el("button", {"class": "btn primary", type: "button", id: "close", on: {click: close}, text: T.close})]));
  }

  // --- members --------------------------------------------------------------------------
  function showMembers(unitId) {
    main.replaceChildren(el("p", {"class": "muted", text: T.loading}));
    api("GET", "members/" + unitId).then(function (data) {
      setTitle(T.members + " · " + data.unit.name, showHome);
      var head = el("tr", {}, ["", T.standing, T.admitted, T.official, T.channel, T.dues].map(function (h) { return el("th", {text: h}); }));
      var body = data.members.map(function (m) {
        return el("tr", {"data-membership": m.id}, [
          el("td", {}, [el("button", {type: "button", on: {click: function () { showMember(m.id, unitId); }}, text: m.name}),
            el("small", {"class": "muted", text: " " + m.role})]),
          el("td", {"data-label": T.standing, text: m.standing_text}),
          el("td", {"data-label": T.admitted, text: m.admitted_on || "—"}),
          el("td", {"data-label": T.official, text: m.official_on || "—"}),
          el("td", {"data-label": T.channel, text: m.channel}),
          el("td", {"data-label": T.dues, "class": m.dues_ok ? "" : "owed", text: m.dues})]);
      });
      main.replaceChildren(el("div", {"class": "scroll"}, [el("table", {"class": "members"}, [el("thead", {}, [head]), el("tbody", {}, body)])]));
    }, failed);
  }
  function showMember(membershipId, unitId) {
    api("GET", "member/" + membershipId).then(function render(record) {
      setTitle(record.name, function () { showMembers(unitId); });
      main.replaceChildren.apply(main, record.fields.map(function (f) {
        return el("div", {"class": "card line", "data-field": f.field}, [el("strong", {text: f.label + ": "}),
          el("span", {"class": "value", text: f.value}),
          el("button", {"class": "btn", type: "button", on: {click: function () {
            ask(fill(T.field_ask, {label: f.label}), f.value === "—" ? "" : f.value).then(function (value) {
              if (value === null) return;
              api("POST", "member/" + membershipId, {field: f.field, value: value}).then(function (fresh) { toast(T.saved); render(fresh); }, failed);
            });
          }}, text: T.edit})]);
      }));
    }, failed);
  }

  // --- the committee's year -------------------------------------------------------------
  function rateClass(cell) {
    if (cell.no_data) return "nd";
    if (cell.rate === null) return "na";
    return "r" + Math.max(0, Math.min(5, Math.floor((cell.rate - 40) / 10)));
  }
  function showYear(scope, year, back) {
    main.replaceChildren(el("p", {"class": "muted", text: T.loading}));
    var query = "year?scope=" + encodeURIComponent(scope) + (year ? "&year=" + year : "");
    api("GET", query).then(function (data) {
      setTitle(data.label + " · " + data.year, back || showHome);
      var months = []; for (var i = 1; i <= 12; i++) months.push(el("th", {text: (i < 10 ? "0" : "") + i}));
      var head = el("tr", {}, [el("th", {"class": "name", text: T.home_branches})].concat(months, [el("th", {text: T.rate})]));
      var rows = data.branches.map(function (b) {
        var name = data.branches.length > 1 ? el("button", {type: "button", "data-branch": b.id, on: {click: function () {
          showYear("b" + b.id, data.year, function () { showYear(scope, data.year, back); });
        }}, text: b.name}) : b.name;
        return el("tr", {"data-branch-row": b.id}, [el("th", {"class": "name"}, [name])].concat(b.months.map(function (c) {
          return el("td", {"class": rateClass(c), text: (c.rate === null ? "" : c.rate) + (c.missing ? "×" : "")});
        }), [el("td", {text: b.rate})]));
      });
      var rule = data.rule.length ? data.rule.map(function (r) {
        return el("div", {"class": "card"}, [el("strong", {text: r.name}), " · " + r.branch + " ",
          el("span", {"class": r.level, text: ruleText(r.level)}), el("div", {"class": "muted", text: r.causes})]);
      }) : [el("p", {"class": "muted", text: T.rule_none})];
      var probations = data.probations.length ? data.probations.map(function (p) {
        return el("div", {"class": "line"}, [el("strong", {text: p.name}), " · " + p.branch + " · " + p.ends_on + " ",
          el("span", {"class": p.status === "overdue" ? "flag" : "warn", text: p.status_text})]);
      }) : [el("p", {"class": "muted", text: T.probations_none})];
      var link = el("a", {"class": "btn primary", id: "export", download: "",
        href: "api/export?scope=" + encodeURIComponent(data.key) + "&year=" + data.year + "&tma=" + encodeURIComponent(initData), text: T.export});
      main.replaceChildren.apply(main, [el("h2", {text: T.heatmap}), el("div", {"class": "scroll"}, [el("table", {"class": "heat", id: "heatmap"}, [el("thead", {}, [head]), el("tbody", {}, rows)])]),
        el("p", {"class": "muted", text: T.missing}), el("h2", {text: T.rule})].concat(rule, [el("h2", {text: T.probations})], probations, [el("p", {}, [link])]));
    }, failed);
  }

  // --- start ----------------------------------------------------------------------------
  var params = new URLSearchParams(location.search);
  if (tg && tg.ready) tg.ready();
  api("GET", "me").then(function (me) {
    T = me.texts; home = me.home;
    document.documentElement.lang = me.lang;
    var screen = params.get("s");
    if (screen === "rollcall" && params.get("m")) showRollcall(params.get("m"));
    else if (screen === "members" && params.get("u")) showMembers(params.get("u"));
    else if (screen === "year") showYear(params.get("c") || (home.committees[0] && home.committees[0].key) || "");
    else showHome();
  }, failed);
}());

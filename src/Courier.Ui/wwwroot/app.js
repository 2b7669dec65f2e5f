'use strict';
// The UI's one script: builds each page from the JSON API, never from HTML strings (text only: no
// markup from a contact or a message can run), and listens to the server's event stream.

const main = document.getElementById('main');
let view = { name: null, cell: null };
const sentHere = {};

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'on') { for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn); }
    else if (key === 'value') { el.value = value; }
    else if (value !== false && value != null) { el.setAttribute(key, value === true ? '' : value); }
  }
  for (const child of children.flat()) { if (child != null) el.append(child instanceof Node ? child : String(child)); }
  return el;
}

function field(id, label, attrs) {
  return [h('label', { for: id }, label), h('input', Object.assign({ id, name: id, type: 'text' }, attrs || {}))];
}

function show(id, text) {
  const el = document.getElementById(id);
  el.textContent = text || '';
  el.hidden = !text;
}

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) { options.headers['Content-Type'] = 'application/json'; options.body = JSON.stringify(body); }
  const response = await fetch(path, options);
  const type = response.headers.get('Content-Type') || '';
  const data = response.status === 204 ? null : type.includes('json') ? await response.json() : { message: await response.text() };
  if (!response.ok) {
    if (response.status === 423) { renderUnlock('locked'); }
    throw new Error((data && data.message) || 'The request failed.');
  }
  return data;
}

// Runs an action from a form or button: errors in words at the top, never a trace.
async function act(fn) {
  show('error', '');
  try { await fn(); } catch (e) { show('error', e.message); }
}

function sayNotices(result, done) {
  const notices = (result && result.notices) || [];
  show('notice', [done].concat(notices).filter(Boolean).join(' '));
}

const lockReasons = {
  start: '',
  locked: 'You locked the vault.',
  idle: 'The vault was locked after a while without use.',
};

function renderUnlock(reason) {
  view = { name: 'unlock' };
  document.getElementById('nav').hidden = true;
  if (reason === 'vault_destroyed') {
    main.replaceChildren(h('section', { id: 'destroyed' }, h('h2', {}, 'The vault was destroyed'),
      h('p', {}, 'This home\'s vault was destroyed (courier panic). Nothing in it can be opened again; close this page.')));
    return;
  }
  const form = h('form', { id: 'unlock-form' },
    h('h2', {}, 'Unlock'),
    h('p', { class: 'muted' }, lockReasons[reason] || ''),
    h('label', { for: 'passphrase' }, 'Passphrase'),
    h('input', { id: 'passphrase', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Unlock'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    act(async () => {
      const input = document.getElementById('passphrase');
      await api('POST', '/api/unlock', { passphrase: input.value });
      input.value = '';
      route();
    });
  });
  main.replaceChildren(h('section', {}, form));
  document.getElementById('passphrase').focus();
}

function route() {
  document.getElementById('nav').hidden = false;
  const hash = decodeURIComponent(location.hash || '#/contacts');
  show('notice', '');
  if (hash.startsWith('#/cell/')) { return act(() => renderCell(hash.slice(7))); }
  if (hash === '#/cells') { return act(renderCells); }
  if (hash === '#/inbox') { return act(renderInbox); }
  return act(renderContacts);
}

async function renderContacts() {
  view = { name: 'contacts' };
  const [contacts, layers] = await Promise.all([api('GET', '/api/contacts'), api('GET', '/api/layers')]);
  const relay = (contacts[0] && contacts[0].relay) || (layers[0] && layers[0].relays[0]) || '';
  const inviteForm = h('form', { id: 'invite-form' },
    field('invite-relay', 'Relay', { value: relay, placeholder: 'https://host:port/#sha256=...', required: true }),
    field('invite-phrase', 'Phrase agreed in person (optional: three random words otherwise)'),
    h('button', { type: 'submit' }, 'Show a code'));
  inviteForm.addEventListener('submit', ev => {
    ev.preventDefault();
    act(async () => showInvite(await api('POST', '/api/invite', { relay: val('invite-relay'), phrase: val('invite-phrase') })));
  });
  const acceptForm = h('form', { id: 'accept-form' },
    field('accept-relay', 'Relay the inviter used', { value: relay, required: true }),
    field('accept-code', 'Code', { required: true, autocomplete: 'off' }),
    h('button', { type: 'submit' }, 'Accept'));
  acceptForm.addEventListener('submit', ev => {
    ev.preventDefault();
    act(async () => {
      show('accept-result', 'Waiting for the inviter...');
      const contact = await api('POST', '/api/accept', { relay: val('accept-relay'), code: val('accept-code') });
      show('accept-result', '');
      document.getElementById('accept-result').replaceChildren(...added(contact));
      document.getElementById('accept-result').hidden = false;
      refreshContacts();
    });
  });
  main.replaceChildren(
    h('section', {}, h('h2', {}, 'Contacts'), contactTable(contacts)),
    h('section', {}, h('h2', {}, 'Invite someone'), inviteForm, h('div', { id: 'invite-box', hidden: true })),
    h('section', {}, h('h2', {}, 'Accept an invitation'), acceptForm, h('p', { id: 'accept-result', hidden: true })));
  const invitation = await api('GET', '/api/invite');
  if (invitation) { showInvite(invitation); }
}

function contactTable(contacts) {
  if (contacts.length === 0) { return h('p', { id: 'contacts', class: 'muted' }, 'No contacts yet: invite someone or accept their code below.'); }
  return h('table', { id: 'contacts' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Code name'), h('th', {}, 'Knows you as'), h('th', {}, 'Fingerprint'), h('th', {}, 'Introduced by'))),
    h('tbody', {}, contacts.map(c => h('tr', {}, h('td', {}, c.name), h('td', {}, c.ourCodeName),
      h('td', { class: 'fingerprint' }, c.fingerprint), h('td', {}, c.introducedBy || '-')))));
}

async function refreshContacts() {
  if (view.name !== 'contacts') { return; }
  document.getElementById('contacts').replaceWith(contactTable(await api('GET', '/api/contacts')));
}

function added(contact) {
  return [h('strong', {}, `Added contact ${contact.name}`), ` (they know you as ${contact.ourCodeName}). Fingerprint: `,
    h('span', { class: 'fingerprint', id: 'new-fingerprint' }, contact.fingerprint),
    '. Compare it with theirs over another channel: a different one means someone is in the middle.'];
}

let countdown = null;
function showInvite(state) {
  const box = document.getElementById('invite-box');
  if (!box) { return; }
  clearInterval(countdown);
  box.hidden = false;
  if (state.state === 'waiting') {
    const left = h('span', { id: 'invite-countdown' });
    const tick = () => {
      const seconds = Math.max(0, Math.round((new Date(state.expires) - Date.now()) / 1000));
      left.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    };
    tick();
    countdown = setInterval(tick, 1000);
    box.replaceChildren(
      h('p', {}, 'Give this code to the other person by a channel you trust; it works once.'),
      h('p', {}, h('span', { id: 'invite-code' }, state.code)),
      h('p', {}, 'Expires in ', left, '. Waiting for them...'),
      h('button', { type: 'button', on: { click: () => navigator.clipboard && navigator.clipboard.writeText(state.code) } }, 'Copy the code'), ' ',
      h('button', { type: 'button', class: 'danger', on: { click: () => act(() => api('POST', '/api/invite/cancel')) } }, 'Cancel the invitation'));
  } else if (state.state === 'done') {
    box.replaceChildren(h('p', { id: 'invite-result' }, ...added(state.contact)));
    refreshContacts();
  } else {
    box.replaceChildren(h('p', { id: 'invite-result' }, state.message));
  }
}

function val(id) { return document.getElementById(id).value; }

async function renderCells() {
  view = { name: 'cells' };
  const [layers, cells, contacts] = await Promise.all([api('GET', '/api/layers'), api('GET', '/api/cells'), api('GET', '/api/contacts')]);
  const relay = (layers[0] && layers[0].relays[0]) || (contacts[0] && contacts[0].relay) || '';
  const layerForm = h('form', { id: 'layer-form' },
    field('layer-name', 'Layer name', { required: true }), field('layer-relay', 'Relay', { value: relay, required: true }),
    h('button', { type: 'submit' }, 'Create the layer'));
  layerForm.addEventListener('submit', ev => { ev.preventDefault(); act(async () => { await api('POST', '/api/layers', { name: val('layer-name'), relay: val('layer-relay') }); await renderCells(); }); });
  const cellForm = h('form', { id: 'cell-form' },
    field('cell-name', 'Cell name', { required: true }),
    h('label', { for: 'cell-layer' }, 'Layer'),
    h('select', { id: 'cell-layer' }, layers.map(l => h('option', { value: l.name }, l.name))),
    h('button', { type: 'submit' }, 'Create the cell'));
  cellForm.addEventListener('submit', ev => {
    ev.preventDefault();
    act(async () => { const cell = await api('POST', '/api/cells', { name: val('cell-name'), layer: val('cell-layer') }); location.hash = '#/cell/' + encodeURIComponent(cell.name); });
  });
  main.replaceChildren(
    h('section', {}, h('h2', {}, 'Layers'),
      layers.length === 0 ? h('p', { class: 'muted' }, 'No layers yet.') : h('ul', { id: 'layers' }, layers.map(l => h('li', {}, `${l.name}: ${l.relays.join(', ')}`))),
      layerForm),
    h('section', {}, h('h2', {}, 'Cells'),
      cells.length === 0 ? h('p', { class: 'muted', id: 'cells' }, 'No cells yet.') : h('table', { id: 'cells' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Cell'), h('th', {}, 'Layer'), h('th', {}, 'You are'), h('th', {}, 'Members'))),
        h('tbody', {}, cells.map(c => h('tr', {}, h('td', {}, h('a', { href: '#/cell/' + encodeURIComponent(c.name) }, c.name)), h('td', {}, c.layer),
          h('td', {}, c.isMember ? c.codeName : '(no longer a member)'), h('td', {}, c.members.join(', ')))))),
      layers.length > 0 ? cellForm : h('p', { class: 'muted' }, 'Create a layer first.')));
}

async function renderCell(name) {
  view = { name: 'cell', cell: name };
  const [cell, contacts] = await Promise.all([api('GET', '/api/cells/' + encodeURIComponent(name)), api('GET', '/api/contacts')]);
  const path = '/api/cells/' + encodeURIComponent(name);
  const sendForm = h('form', { id: 'send-form' },
    h('label', { for: 'message-text' }, 'Message'), h('textarea', { id: 'message-text', rows: 3, required: true }),
    h('button', { type: 'submit' }, 'Send'));
  sendForm.addEventListener('submit', ev => {
    ev.preventDefault();
    act(async () => {
      const text = val('message-text');
      const result = await api('POST', path + '/messages', { text });
      document.getElementById('message-text').value = '';
      (sentHere[name] = sentHere[name] || []).push(text);
      renderSent(name);
      sayNotices(result, 'Sent.');
    });
  });
  const fileForm = h('form', { id: 'file-form' },
    h('label', { for: 'file-input' }, 'File'), h('input', { id: 'file-input', type: 'file', required: true }),
    h('progress', { id: 'file-progress', max: 1, value: 0, hidden: true }),
    h('button', { type: 'submit' }, 'Send the file'));
  fileForm.addEventListener('submit', ev => { ev.preventDefault(); act(() => upload(path, document.getElementById('file-input').files[0])); });
  const addForm = h('form', { id: 'add-form' },
    h('label', { for: 'add-contact' }, 'Add a contact to this cell'),
    h('select', { id: 'add-contact' }, contacts.map(c => h('option', { value: c.name }, c.name))),
    h('button', { type: 'submit' }, 'Add'));
  addForm.addEventListener('submit', ev => {
    ev.preventDefault();
    act(async () => { sayNotices(await api('POST', path + '/add', { names: [val('add-contact')] }), 'Added: they join on their next sync.'); await renderCell(name); });
  });
  const danger = h('section', {}, h('h2', {}, 'Keys and membership'),
    h('button', { type: 'button', id: 'rotate', on: { click: () => confirmed(`Rotate your keys in ${name}? A fresh key is committed to the cell, so whoever copied your old keys cannot read what follows. The others see a new epoch.`, path + '/rotate', 'Your keys were rotated.') } }, 'Rotate my keys'), ' ',
    h('button', { type: 'button', class: 'danger', id: 'leave', on: { click: () => confirmed(`Leave ${name}? The others are told and remove you; this node forgets the cell's secrets and can no longer read or send in it. The messages you received stay. This cannot be undone.`, path + '/leave', 'You left the cell.') } }, 'Leave this cell'));
  main.replaceChildren(
    h('section', {}, h('h2', {}, `Cell ${cell.name}`),
      h('p', {}, `Layer ${cell.layer}. You are `, h('strong', {}, cell.codeName), '. Members: ', h('span', { id: 'members' }, cell.members.join(', ')), '.')),
    h('section', {}, h('h2', {}, 'Messages'), h('ul', { id: 'messages', class: 'messages', 'aria-live': 'polite' }),
      h('ul', { id: 'sent', class: 'messages' }), sendForm),
    h('section', {}, h('h2', {}, 'Send a file'), fileForm),
    h('section', {}, h('h2', {}, 'Members'), addForm),
    danger);
  renderSent(name);
  await refreshMessages(name);
}

async function refreshMessages(name) {
  const messages = await api('GET', '/api/cells/' + encodeURIComponent(name) + '/messages');
  const list = document.getElementById('messages');
  if (!list || view.cell !== name) { return; }
  list.replaceChildren(...(messages.length === 0 ? [h('li', { class: 'muted' }, 'No messages received yet.')] : messages.map(messageItem)));
  list.scrollTop = list.scrollHeight;
}

function messageItem(m) {
  const body = m.fileName
    ? h('a', { href: '/api/files/' + encodeURIComponent(m.id), download: m.fileName }, `${m.fileName} (${m.fileSize.toLocaleString()} bytes)`)
    : h('span', { class: 'text' }, m.text);
  return h('li', { 'data-id': m.id }, h('span', { class: 'sender' }, m.sender), m.forwardedFrom ? '(forwarded) ' : '', body,
    h('span', { class: 'time' }, new Date(m.receivedAt).toLocaleTimeString()));
}

function renderSent(name) {
  const list = document.getElementById('sent');
  if (list) { list.replaceChildren(...(sentHere[name] || []).map(t => h('li', {}, h('span', { class: 'sender' }, 'you'), t))); }
}

function confirmed(question, path, done) {
  if (!window.confirm(question)) { return; }
  act(async () => { sayNotices(await api('POST', path), done); });
}

// A file goes up as the request body, with its progress shown; the server sends it in 60 KiB chunks.
function upload(path, file) {
  if (!file) { return Promise.reject(new Error('Choose a file.')); }
  const progress = document.getElementById('file-progress');
  progress.hidden = false;
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path + '/files?name=' + encodeURIComponent(file.name));
    request.upload.onprogress = e => { if (e.lengthComputable) { progress.value = e.loaded / e.total; } };
    request.onload = () => {
      let data = {};
      try { data = JSON.parse(request.responseText); } catch { data = { message: request.responseText }; }
      if (request.status >= 200 && request.status < 300) { progress.value = 1; sayNotices(data, `Sent ${file.name}.`); resolve(); }
      else { reject(new Error(data.message || 'The upload failed.')); }
    };
    request.onerror = () => reject(new Error('The upload failed: the UI could not be reached.'));
    request.send(file);
  });
}

async function renderInbox() {
  view = { name: 'inbox' };
  const messages = await api('GET', '/api/inbox');
  main.replaceChildren(h('section', {}, h('h2', {}, 'Unread messages'),
    messages.length === 0 ? h('p', { class: 'muted', id: 'inbox' }, 'Nothing unread.') : h('table', { id: 'inbox' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Cell'), h('th', {}, 'From'), h('th', {}, 'Message'), h('th', {}, 'Received'))),
      h('tbody', {}, messages.map(m => h('tr', {}, h('td', {}, h('a', { href: '#/cell/' + encodeURIComponent(m.cell) }, m.cell)), h('td', {}, m.sender),
        h('td', {}, m.fileName ? `file ${m.fileName}` : m.text), h('td', {}, new Date(m.receivedAt).toLocaleString())))))));
}

function listen() {
  const events = new EventSource('/api/events');
  const on = (type, fn) => events.addEventListener(type, e => fn(JSON.parse(e.data)));
  on('locked', e => renderUnlock(e.reason));
  on('message', e => {
    if (view.name === 'cell' && view.cell === e.cell) { refreshMessages(e.cell).catch(() => {}); }
    else if (view.name === 'inbox') { renderInbox().catch(() => {}); }
  });
  on('contacts', () => refreshContacts().catch(() => {}));
  on('cells', () => { if (view.name === 'cells') { renderCells().catch(() => {}); } });
  on('invite', showInvite);
  on('notice', e => show('notice', e.text));
}

document.getElementById('lock-now').addEventListener('click', () => act(() => api('POST', '/api/lock')));
window.addEventListener('hashchange', () => { if (view.name !== 'unlock') { route(); } });
(async () => {
  listen();
  const status = await api('GET', '/api/status');
  if (status.unlocked) { route(); } else { renderUnlock(status.lockReason); }
})();

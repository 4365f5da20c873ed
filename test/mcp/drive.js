// Runs every tool of Didit's own Node client (@didit-protocol/mcp-server) against the
// emulator, over MCP's stdio JSON-RPC, in an order that feeds each tool the ids the earlier
// ones created, and counts the tools answered. Usage: node drive.js MCP_INDEX_JS SCRATCH_DIR
// with the emulator's export lines in the environment. Prints one JSON summary line; exits 1
// unless every tool the client lists was tried and answered.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const [indexJs, scratch] = process.argv.slice(2);

const server = spawn(process.execPath, [indexJs], { stdio: ['pipe', 'pipe', 'ignore'] });
const waiting = new Map();
let nextId = 1;
let buffered = '';
server.stdout.on('data', (chunk) => {
  buffered += chunk;
  for (let nl; (nl = buffered.indexOf('\n')) >= 0;) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (!line.trim()) continue;
    const message = JSON.parse(line);
    if (waiting.has(message.id)) {
      waiting.get(message.id)(message);
      waiting.delete(message.id);
    }
  }
});
const send = (message) => server.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');
const rpc = (method, params) =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    send({ id, method, params });
  });

const answered = [];
const failed = [];
async function tool(name, args = {}) {
  const reply = await rpc('tools/call', { name, arguments: args });
  const result = reply.result || { isError: true, content: [{ text: JSON.stringify(reply.error) }] };
  const text = result.content && result.content[0] ? result.content[0].text : '';
  if (result.isError) {
    failed.push({ name, error: text.slice(0, 300) });
    return {};
  }
  answered.push(name);
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/// The emulator's control endpoint, as a test acting as the person verifying.
async function finishSession(id, status) {
  const response = await fetch(`${process.env.DIDIT_API_URL}/__emulator/sessions/${id}/finish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  if (!response.ok) throw new Error(`finish ${id}: ${response.status}`);
}

async function main() {
  await rpc('initialize', {
    protocolVersion: '2024-11-05',
    capabilities: {},
    clientInfo: { name: 'didit-cpp-tests', version: '1' },
  });
  send({ method: 'notifications/initialized' });
  const tools = (await rpc('tools/list', {})).result.tools.map((t) => t.name);

  const image = path.join(scratch, 'face.jpg');
  fs.writeFileSync(image, 'JPEG an ordinary picture');
  const email = 'mcp@example.com';
  const password = 'Secret-123!';

  // The account API (no API key).
  await tool('didit_register', { email, password });
  const verified = await tool('didit_verify_email', { email, code: '123456' });
  await tool('didit_resend_otp', { email });
  const login = await tool('didit_login', { email, password });
  const access_token = login.access_token || verified.access_token;
  const orgs = await tool('didit_list_organizations', { access_token });
  const organization_id = Array.isArray(orgs) && orgs[0] ? orgs[0].uuid : 'none';
  const apps = await tool('didit_list_applications', { access_token, organization_id });
  const application_id = Array.isArray(apps) && apps[0] ? apps[0].uuid : 'none';
  await tool('didit_get_application', { access_token, organization_id, application_id });

  // Workflows, then sessions on one.
  const workflows = await tool('didit_list_workflows');
  const workflow_id = workflows.results ? workflows.results[0].uuid : 'none';
  const created = await tool('didit_create_session', { workflow_id, vendor_data: 'mcp-person' });
  const session_id = created.session_id || 'none';
  await tool('didit_list_sessions', {});
  await tool('didit_get_session_decision', { session_id });
  await finishSession(session_id, 'In Review');
  await tool('didit_update_session_status', { session_id, new_status: 'Approved', comment: 'ok' });
  await tool('didit_update_session_data', { session_id, first_name: 'Ana' });
  await tool('didit_update_session_poa_data', { session_id, issuer: 'Power Co.' });
  await tool('didit_generate_session_pdf', { session_id });
  await tool('didit_add_session_review', { session_id, comment: 'looked at it' });
  await tool('didit_list_session_reviews', { session_id });
  const shared = await tool('didit_share_session', { session_id, partner_client_id: 'partner' });
  await tool('didit_import_shared_session', { share_token: shared.share_token || 'none' });
  const imported = await tool('didit_create_import', { source_file_url: 'https://example.com/a.csv' });
  await tool('didit_get_import_template');
  await tool('didit_get_import', { import_id: imported.uuid || 'none' });
  await tool('didit_get_import_errors', { import_id: imported.uuid || 'none' });
  const made = await tool('didit_create_workflow', { workflow_label: 'MCP', features: [{ feature: 'OCR' }] });
  await tool('didit_get_workflow', { workflow_id: made.uuid || 'none' });
  await tool('didit_update_workflow', { workflow_id: made.uuid || 'none', workflow_label: 'MCP 2' });
  await tool('didit_delete_workflow', { workflow_id: made.uuid || 'none' });

  // Questionnaires, users, businesses, transactions.
  await tool('didit_list_questionnaires');
  const q = await tool('didit_create_questionnaire', { title: 'Q', questions: [{ text: 'Why?' }] });
  await tool('didit_get_questionnaire', { questionnaire_id: q.uuid || 'none' });
  await tool('didit_update_questionnaire', { questionnaire_id: q.uuid || 'none', title: 'Q2' });
  await tool('didit_delete_questionnaire', { questionnaire_id: q.uuid || 'none' });
  await tool('didit_create_user', { vendor_data: 'mcp-user' });
  await tool('didit_list_users', { limit: 10 });
  await tool('didit_get_user', { vendor_data: 'mcp-user' });
  await tool('didit_update_user', { vendor_data: 'mcp-user', display_name: 'M' });
  await tool('didit_update_user_status', { vendor_data: 'mcp-user', status: 'FLAGGED' });
  await tool('didit_delete_users', { vendor_data_list: ['mcp-user'] });
  await tool('didit_create_business', { vendor_data: 'mcp-company', legal_name: 'ACME' });
  await tool('didit_list_businesses', {});
  await tool('didit_get_business', { vendor_data: 'mcp-company' });
  await tool('didit_update_business', { vendor_data: 'mcp-company', display_name: 'A' });
  await tool('didit_update_business_status', { vendor_data: 'mcp-company', status: 'FLAGGED' });
  await tool('didit_delete_businesses', { vendor_data_list: ['mcp-company'] });
  await tool('didit_create_transaction', {
    transaction_id: 'tx-1', transaction_category: 'payment',
    transaction_details: { amount: 10 }, subject: { vendor_data: 'mcp-person' },
  });
  await tool('didit_list_transactions', {});
  await tool('didit_get_transaction', { transaction_id: 'tx-1' });
  await tool('didit_screen_wallet', { wallet_address: '0xabc', blockchain: 'ethereum' });

  // Billing, customization, webhook destinations, lists.
  await tool('didit_get_balance');
  await tool('didit_top_up', { amount_in_dollars: 50 });
  await tool('didit_get_customization');
  await tool('didit_update_customization', { image_square_path: image });
  await tool('didit_list_webhook_destinations');
  const d = await tool('didit_create_webhook_destination', { label: 'L', url: 'https://example.com/h' });
  await tool('didit_get_webhook_destination', { destination_uuid: d.uuid || 'none' });
  await tool('didit_update_webhook_destination', { destination_uuid: d.uuid || 'none', label: 'L2' });
  await tool('didit_delete_webhook_destination', { destination_uuid: d.uuid || 'none' });
  const list = await tool('didit_create_list', { name: 'L', list_type: 'blocklist', entry_type: 'email' });
  const list_uuid = list.uuid || 'none';
  await tool('didit_list_lists', {});
  await tool('didit_get_list', { list_uuid });
  await tool('didit_update_list', { list_uuid, name: 'L2' });
  const entry = await tool('didit_create_list_entry', { list_uuid, value: 'bad@example.com' });
  await tool('didit_upload_face_entry', { list_uuid, image_path: image });
  await tool('didit_list_entries', { list_uuid });
  await tool('didit_delete_list_entry', { list_uuid, entry_uuid: entry.uuid || 'none' });
  await tool('didit_delete_list', { list_uuid });

  // The standalone checks.
  await tool('didit_id_verification', { front_image_path: image });
  await tool('didit_poa_verification', { document_image_path: image });
  await tool('didit_database_validation', { issuing_state: 'ESP', document_number: '12345678Z' });
  const kyb = await tool('didit_kyb_search', { country_code: 'ES', name: 'ACME' });
  await tool('didit_kyb_select', { kyb_response_id: kyb.request_id || 'none' });
  await tool('didit_passive_liveness', { image_path: image });
  await tool('didit_face_match', { image_1_path: image, image_2_path: image });
  await tool('didit_face_search', { image_path: image });
  await tool('didit_age_estimation', { image_path: image });
  await tool('didit_aml_screening', { full_name: 'Ana Garcia' });
  await tool('didit_email_send', { email: 'ana@example.com' });
  await tool('didit_email_check', { email: 'ana@example.com', code: '123456' });
  await tool('didit_phone_send', { phone_number: '+34600000001' });
  await tool('didit_phone_check', { phone_number: '+34600000001', code: '123456' });

  // Last, the deletes.
  await tool('didit_batch_delete_sessions', { session_numbers: [String(created.session_number)] });
  const other = await tool('didit_create_session', { workflow_id, vendor_data: 'mcp-other' });
  await tool('didit_delete_session', { session_id: other.session_id || 'none' });

  server.kill();
  const untried = tools.filter((name) => !answered.includes(name) && !failed.some((f) => f.name === name));
  console.log(JSON.stringify({
    tools: tools.length, answered: new Set(answered).size, failed, untried,
  }));
  process.exit(failed.length === 0 && untried.length === 0 && tools.length > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  server.kill();
  process.exit(1);
});

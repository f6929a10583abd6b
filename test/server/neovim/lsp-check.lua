-- Headless Neovim as a second, non-VS Code LSP client of the stdio server. It prints what the
-- client received in the line format test/server/editorCheck.ts reads (PUBLISH, DIAG, HOVER,
-- COMPLETION, LABEL, RESULT), the same as test/server/emacs/lsp-check.el.
-- Neovim 0.7 (Debian 12) has no vim.lsp.start, so the client is started and attached by hand.
-- Usage: SERVER=dist/server.js HOVER_AT=L:C COMPLETE_AT=L:C LABEL_AT=L:C nvim --headless --clean -c "luafile lsp-check.lua" FILE
local file = vim.fn.expand('%:p')
local bufnr = vim.api.nvim_get_current_buf()
local function out(line) io.stdout:write(line .. '\n') end
local function one_line(text) return (tostring(text or ''):gsub('\n', '\\n')) end
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
local id = vim.lsp.start_client({
  name = 'libvirt-seclabel',
  cmd = { 'node', vim.env.SERVER, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  handlers = {
    -- Every publication the server sends, before Neovim shows it.
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      out(string.format('PUBLISH %s %d', tostring(result.version or 'none'), #result.diagnostics))
      return default_publish(err, result, ctx, config)
    end,
  },
})
vim.lsp.buf_attach_client(bufnr, id)
local ok = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
-- Whatever the server publishes a little later (a second round) is counted too.
vim.wait(tonumber(vim.env.QUIET_S or '2') * 1000, function() return false end, 50)
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  out(string.format('DIAG %d:%d %s %s', d.lnum + 1, d.col + 1, tostring(code), one_line(d.message)))
end
local function position(variable)
  local line, character = vim.env[variable]:match('(%d+):(%d+)')
  return { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = tonumber(line), character = tonumber(character) } }
end
for _, r in pairs(vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', position('HOVER_AT'), 5000) or {}) do
  if r.result then out(string.format('HOVER %s %s', r.result.contents.kind, one_line(r.result.contents.value))) end
end
-- The completion items at the position in `variable`, as TAG\tformat\tlabel\tdoc kind\tnewText.
local function complete(tag, variable)
  for _, r in pairs(vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', position(variable), 5000) or {}) do
    local items = r.result and (r.result.items or r.result) or {}
    for _, item in ipairs(items) do
      local documentation = type(item.documentation) == 'string' and 'string' or (item.documentation and item.documentation.kind)
      out(string.format('%s\t%s\t%s\t%s\t%s', tag, tostring(item.insertTextFormat or 1), item.label, tostring(documentation), one_line(item.textEdit and item.textEdit.newText)))
    end
  end
end
complete('COMPLETION', 'COMPLETE_AT')
complete('LABEL', 'LABEL_AT')
out(string.format('RESULT %d', #vim.diagnostic.get(bufnr)))
vim.lsp.stop_client(id)
vim.cmd(ok and 'qall!' or 'cquit 1')

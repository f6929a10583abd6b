-- Headless Neovim as a second, non-VS Code LSP client of the stdio server.
-- Neovim 0.7 (Debian 12) has no vim.lsp.start, so the client is started and attached by hand.
-- Usage: SERVER=dist/server.js nvim --headless --clean -c "luafile lsp-check.lua" FILE
local file = vim.fn.expand('%:p')
local bufnr = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ name = 'libvirt-seclabel', cmd = { 'node', vim.env.SERVER, '--stdio' }, root_dir = vim.fn.fnamemodify(file, ':h') })
vim.lsp.buf_attach_client(bufnr, id)
local ok = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  io.stdout:write(string.format('DIAG %d:%d %s %s\n', d.lnum + 1, d.col + 1, tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)), (d.message:gsub('\n', ' | '))))
end
local line = 0
for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
  if l:find("<seclabel type=") then line = i - 1 end
end
local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = 5 } }, 5000)
for _, r in pairs(res or {}) do
  if r.result then io.stdout:write('HOVER ' .. (r.result.contents.value:sub(1, 200):gsub('\n', ' ')) .. '\n') end
end
vim.lsp.stop_client(id)
vim.cmd(ok and 'qall!' or 'cquit 1')

-- The built-in engine's version of what Quarto does with `include-in-header`
-- (quarto-cli src/resources/filters/quarto-init/includes.lua, readIncludeFiles):
-- each file's text is added to header-includes as a raw block of the output
-- format, before any other filter runs. (pandoc's own --include-in-header would
-- replace the header-includes that filters add, such as the PDF's running header.)
function Meta(meta)
  local files = meta["include-in-header"]
  if files == nil then return nil end
  meta["include-in-header"] = nil
  local includes = meta["header-includes"]
  if includes == nil then
    includes = pandoc.List({})
  elseif pandoc.utils.type(includes) ~= "List" then
    includes = pandoc.List({ includes })
  end
  if pandoc.utils.type(files) ~= "List" then files = pandoc.List({ files }) end
  for _, file in ipairs(files) do
    local handle = assert(io.open(pandoc.utils.stringify(file), "r"))
    includes:insert(pandoc.MetaBlocks({ pandoc.RawBlock(FORMAT, handle:read("a")) }))
    handle:close()
  end
  meta["header-includes"] = includes
  return meta
end

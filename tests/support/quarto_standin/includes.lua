-- The stand-in Quarto's includes, as quarto-cli (1.8.27 and 1.11.0) handles them:
-- src/command/render/filters.ts (extractIncludeParams, extractIncludeVariables) takes
-- `header-includes` strings and `include-in-header` files out of the metadata before
-- pandoc reads it, and src/resources/filters/quarto-init/includes.lua (readIncludeStrings,
-- readIncludeFiles) adds each string, and each file's text, to header-includes as a raw
-- block of the output format: verbatim, never read as markdown. The stand-in passes them
-- in the JSON file STANDIN_INCLUDES names. Runs before every other filter (quarto-init).
local path = os.getenv("STANDIN_INCLUDES")

function Meta(meta)
  if not path then return nil end
  local handle = assert(io.open(path, "r"))
  local includes = pandoc.json.decode(handle:read("a"), false)
  handle:close()
  local blocks = pandoc.List({})
  for _, text in ipairs(includes) do
    blocks:insert(pandoc.MetaBlocks({ pandoc.RawBlock(FORMAT, text) }))
  end
  meta["header-includes"] = blocks
  return meta
end

-- PDF: add the layout rules of report.typ (beside this filter) to the document's
-- header-includes. (pandoc's --include-in-header would replace the header-includes
-- a report sets in its metadata, such as its running page header.)
local folder = PANDOC_SCRIPT_FILE:match("^(.*)[/\\]") or "."

function Meta(meta)
  if FORMAT ~= "typst" then return nil end
  local handle = assert(io.open(folder .. "/report.typ", "r"))
  local rules = handle:read("a")
  handle:close()
  local includes = meta["header-includes"]
  if includes == nil then
    includes = pandoc.List({})
  elseif pandoc.utils.type(includes) ~= "List" then
    includes = pandoc.List({ includes })
  end
  includes:insert(pandoc.MetaBlocks({ pandoc.RawBlock("typst", rules) }))
  meta["header-includes"] = includes
  return meta
end

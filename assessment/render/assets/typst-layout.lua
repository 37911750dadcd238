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

-- PDF: local commentary (jsna render --commentary) in a box ruled on the left, as in HTML, so it
-- stands apart from the report's own notes (block quotes). Only the commentary's content goes in
-- the typst block: pandoc writes it as escaped typst markup.
function Div(div)
  if FORMAT ~= "typst" or not div.classes:includes("local-commentary") then return nil end
  local content = div.content
  if #content == 1 and content[1].t == "BlockQuote" then content = content[1].content end
  local blocks = pandoc.List({ pandoc.RawBlock("typst",
    '#block(width: 100%, stroke: (left: 3pt + rgb("#00703c")), inset: (left: 10pt, y: 6pt))[') })
  blocks:extend(content)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

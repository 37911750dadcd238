-- PDF: the running header (`running-header` in the document's metadata) on every
-- page, added to header-includes as a typst rule. The header is a typst string
-- literal, not markup, so no character of an area name can act as code. The
-- table and heading rules are report.typ, the template's include-in-header file.

-- PDF (typst) only: for another format the file gives pandoc no filter at all (a function that returned
-- at once would still have every element of its type handed to Lua and back).
if FORMAT ~= "typst" then return {} end

local stringify = pandoc.utils.stringify

local function typst_string(text)
  local escaped = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("%s+", " ")
  return '"' .. escaped .. '"'
end

function Meta(meta)
  if meta["running-header"] == nil then return nil end
  local header = stringify(meta["running-header"])
  local includes = meta["header-includes"]
  if includes == nil then
    includes = pandoc.List({})
  elseif pandoc.utils.type(includes) ~= "List" then
    includes = pandoc.List({ includes })
  end
  includes:insert(pandoc.MetaBlocks({ pandoc.RawBlock("typst",
    "#set page(header: align(right, text(size: 8pt, " .. typst_string(header) .. ")))") }))
  meta["header-includes"] = includes
  return meta
end

-- PDF: local commentary (jsna render --commentary) in a box ruled on the left, as in HTML, so it
-- stands apart from the report's own notes (block quotes). Only the commentary's content goes in
-- the typst block: pandoc writes it as escaped typst markup.
function Div(div)
  if not div.classes:includes("local-commentary") then return nil end
  local content = div.content
  if #content == 1 and content[1].t == "BlockQuote" then content = content[1].content end
  local blocks = pandoc.List({ pandoc.RawBlock("typst",
    '#block(width: 100%, stroke: (left: 3pt + rgb("#00703c")), inset: (left: 10pt, y: 6pt))[') })
  blocks:extend(content)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

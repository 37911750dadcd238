-- Word: a table of contents that shows its entries when the file is opened.
--
-- Pandoc's own --toc writes an empty TOC field that Word fills only when the
-- reader updates fields (LibreOffice never does). This writes the same TOC
-- field with its result already in it: one hyperlinked entry per heading (to
-- the bookmark pandoc gives every heading), in the TOC 1 / TOC 2 styles of the
-- reference document. Updating the field in Word adds page numbers.
-- The template asks for it with `contents-depth` under `format: docx:`, where it
-- turns pandoc's own (empty) contents off with `toc: false`: under Quarto `toc`
-- is a pandoc option that no filter sees. Levels count from the document's top
-- heading level: pandoc applies shift-heading-level-by after the filters run.

-- Word only: for another format the file gives pandoc no filter at all (a function that returned
-- at once would still have every element of its type handed to Lua and back).
if FORMAT ~= "docx" then return {} end

local stringify = pandoc.utils.stringify

local function xml(text)
  return (text:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- The bookmark pandoc writes for a heading: its identifier, or for one over
-- Word's 40-character limit "X" and the rest of the identifier's SHA-1.
local function bookmark(identifier)
  if #identifier > 40 then return "X" .. pandoc.sha1(identifier):sub(2) end
  return identifier
end

local function run(text)
  return '<w:r><w:t xml:space="preserve">' .. xml(text) .. "</w:t></w:r>"
end

function Pandoc(doc)
  local depth = tonumber(doc.meta["contents-depth"] and stringify(doc.meta["contents-depth"]) or "")
  if not depth or depth < 1 then return nil end
  local top = math.huge
  doc.blocks:walk({ Header = function(h) top = math.min(top, h.level) end })
  local entries = {}
  doc.blocks:walk({
    Header = function(h)
      if h.level - top < depth and h.identifier ~= "" then table.insert(entries, h) end
    end,
  })
  if #entries == 0 then return doc end
  local title = doc.meta["toc-title"] and stringify(doc.meta["toc-title"]) or "Contents"
  local parts = {
    '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
      .. "</w:docPartObj></w:sdtPr><w:sdtContent>",
    '<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr>' .. run(title) .. "</w:p>",
  }
  for i, h in ipairs(entries) do
    local field_start, field_end = "", ""
    if i == 1 then
      field_start = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        .. '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-' .. depth .. '" \\h \\z \\u </w:instrText></w:r>'
        .. '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    end
    if i == #entries then field_end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' end
    table.insert(parts, '<w:p><w:pPr><w:pStyle w:val="TOC' .. (h.level - top + 1) .. '"/></w:pPr>' .. field_start
      .. '<w:hyperlink w:anchor="' .. xml(bookmark(h.identifier)) .. '" w:history="1">' .. run(stringify(h.content))
      .. "</w:hyperlink>" .. field_end .. "</w:p>")
  end
  table.insert(parts, "</w:sdtContent></w:sdt>")
  doc.blocks:insert(1, pandoc.RawBlock("openxml", table.concat(parts)))
  return doc
end

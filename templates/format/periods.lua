-- Period labels such as "2021 - 23" (Fingertips' pooled years) never break
-- across lines, in tables and running text. The text stays as written; what
-- keeps it on one line depends on the format (a line may otherwise break after
-- the dash even with no-break spaces around it):
--   HTML  a <span class="period"> (white-space: nowrap in report.css)
--   typst an unbreakable box
--   Word  no-break spaces around the dash
local NBSP = utf8.char(160)
local stringify = pandoc.utils.stringify

local function whole(core)
  if FORMAT:match("html") then
    return pandoc.Span({ pandoc.Str(core) }, { class = "period" })
  elseif FORMAT == "typst" then
    return pandoc.RawInline("typst", "#box[" .. core .. "]")
  end
  return pandoc.Str((core:gsub(" ", NBSP)))
end

-- Most inline lists hold no lone dash: leave them as they are (no new list to hand back to pandoc).
local function has_dash(inlines)
  for _, inline in ipairs(inlines) do
    if inline.t == "Str" and inline.text == "-" then return true end
  end
  return false
end

local function kept_whole(inlines)
  if not has_dash(inlines) then return nil end
  local out = pandoc.List()
  local i = 1
  while i <= #inlines do
    local a, s1, dash, s2, b = inlines[i], inlines[i + 1], inlines[i + 2], inlines[i + 3], inlines[i + 4]
    local before, first = "", nil
    if a and a.t == "Str" then before, first = a.text:match("^(.-)(%d%d%d%d)$") end
    local second, after = nil, ""
    if b and b.t == "Str" then second, after = b.text:match("^(%d%d)(.*)$") end
    if first and second and s1.t == "Space" and dash.t == "Str" and dash.text == "-" and s2.t == "Space" then
      if before ~= "" then out:insert(pandoc.Str(before)) end
      out:insert(whole(first .. " - " .. second))
      if after ~= "" then out:insert(pandoc.Str(after)) end
      i = i + 5
    else
      out:insert(a)
      i = i + 1
    end
  end
  return out
end

-- Only a block whose text holds a period label is walked: handing every inline list of
-- the report to Lua cost more than all the rest of this filter.
local LABEL = "%d%d%d%d %- %d%d"
local function in_block(block)
  if not stringify(block):find(LABEL) then return nil end
  return block:walk({ Inlines = kept_whole })
end

local blocks_with_text = { Para = in_block, Plain = in_block, Header = in_block, LineBlock = in_block }

-- The same test first on each whole top-level block: a force's councils tables hold no
-- period label, and handing each of their thousands of cells to Lua to be tested cost
-- more than the labels found.
function Pandoc(doc)
  local changed = false
  for i, block in ipairs(doc.blocks) do
    if stringify(block):find(LABEL) then
      doc.blocks[i] = pandoc.Pandoc({ block }):walk(blocks_with_text).blocks[1]
      changed = true
    end
  end
  if changed then return doc end
end

-- Tables a reader can read in every format.
--
-- * Column widths come from the cells' content, not from the dashes of the
--   markdown source: every column is at least as wide as its longest word
--   (so no word or period label such as 2023/24 is broken across lines), and
--   the room left over goes to the columns with the most text, as a browser
--   lays out a table. HTML keeps no fixed widths: the browser does this itself
--   and a narrow screen scrolls the table inside its own box.
-- * Text columns are left-aligned; a column stays right-aligned only when every
--   body cell is a single figure (counts, populations).
-- * A table without a caption is captioned by the heading it sits under, so
--   every table is announced in HTML (<caption>), Word and the PDF (in a typst
--   figure, which Quarto's own filters would otherwise turn off).
-- * Word: cells are in the "Table Text" and "Table Heading" paragraph styles of
--   the reference document (small type, bold header).
-- * HTML: the table sits in a focusable, labelled region that scrolls sideways.

local stringify = pandoc.utils.stringify

-- Points: text block width, width of one character of table text (above the
-- font's average as measured from word boxes in the rendered files, so that
-- estimates err towards wide), cell padding. Header cells are bold: 10% wider.
local LAYOUT = {
  typst = { width = 481, char = 4.4, pad = 12 },  -- 8pt Libertinus Serif, 5pt inset each side
  docx = { width = 481, char = 5.6, pad = 14 },   -- 9pt Arial, Word's 0.08in cell margins
}

-- A web address breaks after each slash (typst and Word do), so its longest
-- piece, not the whole address, sets how narrow its column can be.
local function unbroken(word)
  if not word:find("://", 1, true) then return utf8.len(word) or #word end
  local longest = 0
  for piece in word:gmatch("[^/]*/?") do
    longest = math.max(longest, utf8.len(piece) or #piece)
  end
  return longest
end

local function words(text)
  local longest, total = 0, 0
  for word in text:gmatch("%S+") do
    local n = unbroken(word)
    if n > longest then longest = n end
    total = total + (utf8.len(word) or #word) + 1
  end
  return longest, math.max(total - 1, 0)
end

-- The table's text as it is laid out: a period label kept whole by periods.lua
-- (a typst box, an HTML span) counts as one word. One walk of the whole table
-- (a copy, for measuring), not one per cell: each walk has a cost of its own.
local NBSP = utf8.char(160)
local function laid_out(tbl)
  return tbl:walk({
    RawInline = function(raw)
      local core = raw.text:match("^#box%[(.*)%]$")
      if core then return pandoc.Str((core:gsub(" ", NBSP))) end
    end,
    Span = function(span)
      if span.classes:includes("period") then return pandoc.Str((stringify(span):gsub(" ", NBSP))) end
    end,
  })
end

local function each_row(tbl, fn)
  for _, row in ipairs(tbl.head.rows) do fn(row, true) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.head) do fn(row, true) end
    for _, row in ipairs(body.body) do fn(row, false) end
  end
  for _, row in ipairs(tbl.foot.rows) do fn(row, false) end
end

-- Each column's narrowest and widest useful width, in characters.
local function measure(tbl)
  local ncols = #tbl.colspecs
  local least, most, single = {}, {}, {}
  for j = 1, ncols do least[j], most[j], single[j] = 1, 1, true end
  each_row(laid_out(tbl), function(row, is_header)
    local j = 1
    for _, cell in ipairs(row.cells) do
      local text = stringify(cell.contents)
      local longest, total = words(text)
      local bold = is_header and 1.1 or 1
      if cell.col_span == 1 and j <= ncols then
        least[j] = math.max(least[j], longest * bold)
        most[j] = math.max(most[j], total * bold)
        if not is_header and text:find("%S%s+%S") then single[j] = false end
      end
      j = j + cell.col_span
    end
  end)
  return least, most, single
end

-- Whether each right-aligned column holds only single figures (all a format without set widths needs:
-- HTML, where the browser lays the table out). A cell is measured as laid out only when its plain
-- text has a space, and a column no more once one cell has: a force's tables have thousands of cells.
local function single_figures(tbl)
  local single = {}
  for j, spec in ipairs(tbl.colspecs) do single[j] = spec[1] == "AlignRight" end
  local ncols = #tbl.colspecs
  each_row(tbl, function(row, is_header)
    if is_header then return end
    local j = 1
    for _, cell in ipairs(row.cells) do
      if cell.col_span == 1 and j <= ncols and single[j] then
        local text = stringify(cell.contents)
        if text:find("%S%s+%S") and stringify(laid_out(pandoc.Blocks(cell.contents))):find("%S%s+%S") then
          single[j] = false
        end
      end
      j = j + cell.col_span
    end
  end)
  return single
end

-- Widths as fractions of the text block: minimum content width first, the
-- rest shared in proportion to how much more each column could use.
local function widths(least, most, layout)
  local n = #least
  local low, high, total_low, total_high = {}, {}, 0, 0
  for j = 1, n do
    low[j] = least[j] * layout.char + layout.pad
    high[j] = math.max(most[j] * layout.char + layout.pad, low[j])
    total_low, total_high = total_low + low[j], total_high + high[j]
  end
  local out = {}
  if total_low >= layout.width then
    for j = 1, n do out[j] = low[j] / total_low end
  elseif total_high <= layout.width then
    for j = 1, n do out[j] = high[j] / total_high end
  else
    local spare, wanted = layout.width - total_low, total_high - total_low
    for j = 1, n do out[j] = (low[j] + spare * (high[j] - low[j]) / wanted) / layout.width end
  end
  return out
end

-- Word: a cell's text as one paragraph in a style of the reference document.
-- (A plain cell gets pandoc's "Compact" style, shared with tight lists, and
-- LibreOffice ignores character styles in table cells; a Para inside a Div
-- with a custom style is written in that paragraph style.)
local function styled(cell, style)
  local inlines = pandoc.utils.blocks_to_inlines(cell.contents)
  cell.contents = { pandoc.Div({ pandoc.Para(inlines) }, { ["custom-style"] = style }) }
end

local heading = nil

-- Whether a cell has an alignment of its own (a pipe table's cells have none: their column's applies).
local function cell_aligned(tbl)
  local aligned = false
  each_row(tbl, function(row)
    for _, cell in ipairs(row.cells) do aligned = aligned or cell.alignment ~= pandoc.AlignDefault end
  end)
  return aligned
end

local function lay_out(tbl)
  local layout = LAYOUT[FORMAT]
  -- Cells are read from a copy: a table whose rows were only read goes back to pandoc as it came,
  -- while one whose rows Lua has opened is converted back cell by cell (a force's councils tables
  -- have thousands). Measuring reads a copy of its own (laid_out).
  local copy = tbl:clone()
  local fractions, single
  if layout then
    local least, most
    least, most, single = measure(tbl)
    fractions = widths(least, most, layout)
  else
    single = single_figures(copy)
  end
  for j, spec in ipairs(tbl.colspecs) do
    local align = spec[1]
    if align ~= "AlignCenter" then align = (align == "AlignRight" and single[j]) and "AlignRight" or "AlignLeft" end
    tbl.colspecs[j] = { align, fractions and fractions[j] or nil }
  end
  if cell_aligned(copy) then
    each_row(tbl, function(row) for _, cell in ipairs(row.cells) do cell.alignment = pandoc.AlignDefault end end)
  end

  if #tbl.caption.long == 0 and heading then
    local text = heading
    for _, cell in ipairs(tbl.head.rows[1] and tbl.head.rows[1].cells or {}) do
      if stringify(cell.contents) == "Compared with England" then
        text = heading .. ": indicators compared with England"
      end
    end
    tbl.caption.long = { pandoc.Plain(pandoc.Inlines(text)) }
  end

  if FORMAT == "typst" then
    -- Quarto marks every table "typst:no-figure" (quarto-cli src/resources/filters/quarto-post/typst.lua,
    -- its issue 10438), and pandoc then writes the table without its figure and caption.
    tbl.classes = tbl.classes:filter(function(class) return class ~= "typst:no-figure" end)
  elseif FORMAT == "docx" then
    each_row(tbl, function(row, is_header)
      for _, cell in ipairs(row.cells) do styled(cell, is_header and "Table Heading" or "Table Text") end
    end)
  elseif FORMAT:match("html") then
    local label = stringify(tbl.caption.long)
    -- attributes as a list of pairs: a Lua table keyed by name has no order, and the page's bytes must not
    -- change from one run to the next
    local attributes = { { "role", "region" }, { "tabindex", "0" }, { "aria-label", label ~= "" and label or "Table" } }
    return pandoc.Div({ tbl }, pandoc.Attr("", { "table-scroll" }, attributes)), false
  end
  return tbl, false
end

return {
  {
    traverse = "topdown",
    Header = function(h) heading = stringify(h.content) end,
    Table = lay_out,
  },
}

-- PDF figures: each chart as a typst figure sized to the text block, with its
-- alt text (typst's `image(alt:)`, which pandoc's typst writer does not write)
-- and its caption below.
--
-- The image keeps its path: both engines read it relative to the folder pandoc
-- runs in, which is inside typst's root (the built-in engine copies every chart
-- into media/ there; Quarto renders inside its project). Its shape is read from
-- the file (through pandoc's media bag) to decide where the figure goes.

-- PDF (typst) only: for another format the file gives pandoc no filter at all (a function that returned
-- at once would still have every element of its type handed to Lua and back).
if FORMAT ~= "typst" then return {} end

local stringify = pandoc.utils.stringify

local function typst_string(text)
  local escaped = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ")
  return '"' .. escaped .. '"'
end

local function only_image(blocks)
  if #blocks ~= 1 or (blocks[1].t ~= "Plain" and blocks[1].t ~= "Para") then return nil end
  local inlines = blocks[1].content
  if #inlines ~= 1 or inlines[1].t ~= "Image" then return nil end
  return inlines[1]
end

-- Height over width of a PNG (from its IHDR chunk), or nil for other images.
local function aspect(contents)
  if not contents or contents:sub(2, 4) ~= "PNG" or #contents < 24 then return nil end
  local width, height = string.unpack(">I4I4", contents, 17)
  return width > 0 and height / width or nil
end

-- The image's path as written, and its height over width.
local function image_and_shape(src)
  local _, contents = pandoc.mediabag.fetch(src)
  return src, aspect(contents)
end

-- A chart printed taller than this share of the page's text height floats to
-- the top of a page (typst's placement: auto), so the text before it fills the
-- page instead of leaving most of it empty. Text block: 170 mm by 250 mm.
local FLOAT_ABOVE = 0.45
local TEXT_HEIGHT_OVER_WIDTH = 250 / 170

function Figure(fig)
  local img = only_image(fig.content)
  if not img then return nil end
  local alt = img.attributes["alt"] or stringify(img.caption)
  local caption = pandoc.write(pandoc.Pandoc(fig.caption.long), "typst"):gsub("%s+$", "")
  local path, ratio = image_and_shape(img.src)
  local placement = (ratio and ratio > FLOAT_ABOVE * TEXT_HEIGHT_OVER_WIDTH) and ", placement: auto" or ""
  -- A chart kept in the text first places any float still pending, so figures keep their order.
  local flush = placement == "" and "#place.flush()\n" or ""
  local code = flush .. "#figure(image(" .. typst_string(path) .. ", width: 100%, alt: " .. typst_string(alt) .. ")"
      .. placement .. ",\n  caption: [" .. caption .. "])"
  return pandoc.RawBlock("typst", code)
end

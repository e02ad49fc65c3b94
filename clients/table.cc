#include "clients/table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace passerelle::clients {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string Pad(absl::string_view text, size_t width, Align align) {
  size_t shown = DisplayWidth(text);
  std::string padding(width > shown ? width - shown : 0, ' ');
  return align == Align::kRight ? absl::StrCat(padding, text) : absl::StrCat(text, padding);
}

void StripTrailingSpaces(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

std::string Truncate(absl::string_view text, size_t width) {
  if (width == 0 || DisplayWidth(text) <= width) return std::string(text);
  // Keep width - 1 characters, cutting only at a character boundary, then the ellipsis.
  size_t kept = 0;
  size_t end = 0;
  while (end < text.size()) {
    size_t next = end + 1;
    while (next < text.size() && IsContinuationByte(text[next])) ++next;
    if (kept + 1 > width - 1) break;
    ++kept;
    end = next;
  }
  return absl::StrCat(text.substr(0, end), "…");
}

std::string Wrap(absl::string_view text, size_t width, absl::string_view indent) {
  std::string out;
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
      absl::StrAppend(&out, indent, line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) absl::StrAppend(&out, indent, line, "\n");
  return out;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (size_t i = 0; i < cells.size(); ++i) cells[i] = Truncate(cells[i], columns_[i].max_width);
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths;
  for (const Column& column : columns_) widths.push_back(DisplayWidth(column.header));
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      absl::StrAppend(&line, i == 0 ? "" : "  ", Pad(cells[i], widths[i], columns_[i].align));
    }
    StripTrailingSpaces(line);
    return absl::StrCat(line, "\n");
  };
  std::vector<std::string> headers;
  std::vector<std::string> rules;
  for (size_t i = 0; i < columns_.size(); ++i) {
    headers.push_back(columns_[i].header);
    rules.push_back(std::string(widths[i], '-'));
  }
  std::string out = absl::StrCat(render_line(headers), render_line(rules));
  for (const auto& row : rows_) absl::StrAppend(&out, render_line(row));
  return out;
}

std::string FormatScore(double value) { return absl::StrFormat("%.2f", value); }

std::string Percent(double share) { return absl::StrFormat("%.1f%%", 100 * share); }

std::string FormatKm(double km) {
  if (km < 1) return "<1 km";
  return km < 100 ? absl::StrFormat("%.1f km", km) : absl::StrFormat("%.0f km", km);
}

}  // namespace passerelle::clients

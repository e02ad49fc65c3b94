// Plain-text tables for the terminal: columns padded to their widest cell, numbers aligned right, long
// cells cut with an ellipsis. Widths count UTF-8 characters, not bytes, so French titles line up.
//
// Thread-safety: thread-compatible.
//
// Example:
//   Table table({{"#", Align::kRight}, {"opening"}, {"score", Align::kRight}});
//   table.AddRow({"1", "o-0012", "0.87"});
//   std::cout << table.Render();
#ifndef PASSERELLE_CLIENTS_TABLE_H_
#define PASSERELLE_CLIENTS_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace passerelle::clients {

enum class Align { kLeft, kRight };

struct Column {
  std::string header;
  Align align = Align::kLeft;
  // Cells longer than this many characters are cut and end with "…"; 0 = no limit. Default: 0.
  size_t max_width = 0;
};

// Width of an opening-title column: long titles are cut in tables; the full title is in `get opening`.
inline constexpr size_t kTitleColumnWidth = 28;

class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // A row with fewer cells than columns is padded with empty cells; extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // Header, a rule of dashes, then the rows; every line ends with '\n' and has no trailing spaces.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Number of characters (UTF-8 code points) in `text`.
size_t DisplayWidth(absl::string_view text);
// `text` cut to at most `width` characters, the last one "…" when cut.
std::string Truncate(absl::string_view text, size_t width);
// Wraps `text` at spaces into lines of at most `width` characters, each prefixed by `indent`.
std::string Wrap(absl::string_view text, size_t width, absl::string_view indent);

// "0.87" (two decimals), the way scores are shown everywhere in the CLI.
std::string FormatScore(double value);
// "12.3 km"; "<1 km" under one kilometre, where precision would mislead (commune centroids).
std::string FormatKm(double km);
// "12.5%": a share in [0, 1] with one decimal.
std::string Percent(double share);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_TABLE_H_

// The import summary compares the lines sent with the items the server reported (issue 16, defect 1):
// a report that leaves a line out (a server that ended the stream early) is never taken as complete.
#include "clients/import_report.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace passerelle::clients {
namespace {

using ::testing::HasSubstr;

v1::ImportItemReport Item(int64_t index, v1::ImportItemStatus status) {
  v1::ImportItemReport item;
  item.set_index(index);
  item.set_status(status);
  if (status == v1::IMPORT_ITEM_STATUS_REJECTED) {
    item.set_code("INVALID_ARGUMENT");
    item.set_field("id");
  }
  return item;
}

TEST(ImportReportTest, LinesTheServerDidNotReportAreUnaccounted) {
  // Five lines sent; the report stops after the third (received_count = 2 plus one rejected).
  v1::ImportResponse response;
  *response.add_items() = Item(0, v1::IMPORT_ITEM_STATUS_ACCEPTED);
  *response.add_items() = Item(1, v1::IMPORT_ITEM_STATUS_ACCEPTED);
  *response.add_items() = Item(2, v1::IMPORT_ITEM_STATUS_REJECTED);
  response.set_received_count(3);
  response.set_accepted_count(2);
  ImportTally tally;
  tally.lines_read = 5;
  tally.AddServerReport(response, {1, 2, 3, 4, 5});
  EXPECT_EQ(tally.accepted, 2);
  EXPECT_EQ(tally.rejected, 1);
  EXPECT_EQ(tally.unaccounted, 2);
  ASSERT_EQ(tally.rejected_lines.size(), 3u);
  EXPECT_EQ(tally.rejected_lines[1].line, 4);
  EXPECT_EQ(tally.rejected_lines[1].code, "UNACCOUNTED");
  const ReportOptions options{"items.jsonl", "candidates", 50};
  EXPECT_THAT(tally.Summary(options), HasSubstr("2 lines were sent but not accounted for by the server"));
  EXPECT_THAT(tally.ToJson(options), HasSubstr("\"unaccounted\": 2"));
}

TEST(ImportReportTest, ACompleteReportLeavesNothingUnaccounted) {
  v1::ImportResponse response;
  *response.add_items() = Item(0, v1::IMPORT_ITEM_STATUS_ACCEPTED);
  *response.add_items() = Item(1, v1::IMPORT_ITEM_STATUS_REJECTED);
  response.set_accepted_count(1);
  ImportTally tally;
  tally.lines_read = 2;
  tally.AddServerReport(response, {7, 9});
  EXPECT_EQ(tally.unaccounted, 0);
  EXPECT_EQ(tally.accepted, 1);
  ASSERT_EQ(tally.rejected_lines.size(), 1u);
  EXPECT_EQ(tally.rejected_lines[0].line, 9);
  EXPECT_THAT(tally.Summary({"f", "candidates", 50}), ::testing::Not(HasSubstr("accounted")));
}

}  // namespace
}  // namespace passerelle::clients

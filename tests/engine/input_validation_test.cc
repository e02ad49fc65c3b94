// Issue 16 in the engine: the occupations filter is resolved once in O(codes + ROME table) and checked
// with one flag per row (defect 2); ids are printable ASCII and free text valid UTF-8 without control or
// bidirectional characters (defect 6); quoted values are short and escaped (defect 4).
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/index/match_index.h"
#include "engine/model/resolve.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::input_validation_test {
namespace {

using testing::SharedReferenceData;

TEST(OccupationFilterTest, FlagsCodesDomainesAndGrandDomaines) {
  const ReferenceData& data = *SharedReferenceData();
  const absl::Span<const RomeOccupation> rome = data.occupations();
  absl::StatusOr<std::vector<uint8_t>> allowed = BuildOccupationFilter({"F17", rome[0].code}, data);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  ASSERT_EQ(allowed->size(), rome.size());
  for (size_t r = 0; r < rome.size(); ++r) {
    const bool expected = rome[r].domaine_code == "F17" || r == 0;
    EXPECT_EQ((*allowed)[r] != 0, expected) << rome[r].code;
  }
  allowed = BuildOccupationFilter({std::string(1, rome[0].grand_domaine)}, data);
  ASSERT_TRUE(allowed.ok());
  for (size_t r = 0; r < rome.size(); ++r) EXPECT_EQ((*allowed)[r] != 0, rome[r].grand_domaine == rome[0].grand_domaine);
  EXPECT_TRUE(BuildOccupationFilter({}, data)->empty());
}

TEST(OccupationFilterTest, UnknownCodeNamesItsIndexAndQuotesItShort) {
  const absl::Status status = BuildOccupationFilter({"F17", std::string(5000, 'Z')}, *SharedReferenceData()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldPath(status), "occupations[1]");
  EXPECT_LT(status.message().size(), 200u);
}

TEST(QuoteTest, CutsAndEscapes) {
  EXPECT_EQ(Quote("93066"), "\"93066\"");
  EXPECT_EQ(Quote("a\x1b\n\xe2\x80\xae"), "\"a\\x1b\\n\\xe2\\x80\\xae\"");
  EXPECT_EQ(Quote(std::string(100, 'x'), 4), "\"xxxx\"... (100 bytes)");
}

TEST(ValidateIdTest, PrintableAsciiOnly) {
  EXPECT_TRUE(ValidateId("cand-1_A.b~", "id").ok());
  for (const std::string& bad : {std::string("a b"), std::string("a\x7f"), std::string("\xc3\xa9"),
                                std::string("x\xe2\x80\xaey"), std::string("\xff\xfe"), std::string()}) {
    EXPECT_EQ(ValidateId(bad, "id").code(), absl::StatusCode::kInvalidArgument) << absl::CHexEscape(bad);
  }
}

TEST(ValidateFreeTextTest, Utf8WithoutControlOrBidiCharacters) {
  EXPECT_TRUE(ValidateFreeText("Maçon – « Grand Paris » 2ᵉ 😀", 512, "title").ok());
  for (const std::string& bad :
       {std::string("a\0b", 3), std::string("a\x1b"), std::string("a\nb"), std::string("a\tb"), std::string("\xc2\x85"),
        std::string("\xe2\x80\xae"), std::string("\xe2\x81\xa6"), std::string("\xc3\x28"), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"), std::string("\xe2\x82")}) {
    EXPECT_EQ(ValidateFreeText(bad, 512, "title").code(), absl::StatusCode::kInvalidArgument) << absl::CHexEscape(bad);
  }
  EXPECT_EQ(ValidateFreeText(std::string(513, 'a'), 512, "title").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsValidUtf8("h\xc3\xa9"));
  EXPECT_FALSE(IsValidUtf8("h\xc3"));
}

}  // namespace
}  // namespace passerelle::engine::input_validation_test

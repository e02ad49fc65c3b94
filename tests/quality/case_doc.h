// The cases in plain words, for docs/quality.md: each record described from its fields (so the page
// cannot drift from the table), the order and reasons expected, and why.
#ifndef PASSERELLE_TESTS_QUALITY_CASE_DOC_H_
#define PASSERELLE_TESTS_QUALITY_CASE_DOC_H_

#include <string>
#include <vector>

#include "engine/refdata/reference_data.h"
#include "tests/quality/case_format.h"

namespace passerelle::engine::quality {

// "p-amina: lives in Saint-Denis (93066), public transport; French A2 (attested); wishes Maçon / ..."
std::string DescribePerson(const Candidate& c, const ReferenceData& data);
// "o-macon: Maçon / Maçonne (F1703) in Bobigny (93008), CDI, starts 2026-03-02; French B1 required; ..."
std::string DescribeOpening(const Opening& o, const ReferenceData& data);

// The markdown of every case, in table order: a "### name" heading each.
std::string RenderCases(const std::vector<Case>& cases, const ReferenceData& data);

// The markers between which docs/quality.md holds RenderCases' output.
inline constexpr const char* kDocBegin = "<!-- generated cases: begin (tests/quality, PASSERELLE_UPDATE_QUALITY_DOC=1) -->";
inline constexpr const char* kDocEnd = "<!-- generated cases: end -->";

}  // namespace passerelle::engine::quality

#endif  // PASSERELLE_TESTS_QUALITY_CASE_DOC_H_

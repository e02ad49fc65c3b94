"""Records for the tests: a mason in Saint-Denis and a mason opening in Bobigny, as in the C++ tests
(tests/engine/test_fixtures.h) but with B1 French, which the opening requires, so that the pair matches."""

from passerelle.v1 import records_pb2 as r

MASON_SKILLS = [100596, 100854, 102181]


def mason_candidate(candidate_id="cand-mason"):
    return r.Candidate(
        id=candidate_id, commune_insee="93066", transport_mode=r.TRANSPORT_MODE_PUBLIC_TRANSPORT,
        housing=r.HOUSING_STATUS_TEMPORARY, french_level=r.CEFR_LEVEL_B1, french_attested=True,
        skills=MASON_SKILLS, wished_occupations=["F1703"],
        past_occupations=[r.PastOccupation(rome_code="F1606", years=3)],
        accepted_contracts=[r.CONTRACT_TYPE_CDI, r.CONTRACT_TYPE_CDD, r.CONTRACT_TYPE_INTERIM],
        available_from="2026-03-02", right_to_work=True)


def mason_opening(opening_id="open-bobigny", commune="93008"):
    return r.Opening(
        id=opening_id, employer_id="emp-btp-93", title="Maçon (H/F)", rome_code="F1703", commune_insee=commune,
        required_skills=MASON_SKILLS[:2], desired_skills=[103070], french_min_level=r.CEFR_LEVEL_B1,
        french_requirement=r.REQUIREMENT_REQUIRED, contract=r.CONTRACT_TYPE_CDI, start_date="2026-03-02",
        positions=2)

// Desired assets (atouts demandés), issue 11: the languages (France Travail langues[] with exigence S) and
// licence categories (permis[] with exigence S) an opening would like, against what the candidate holds.
// Not a criterion of its own: a share of the experience criterion (« Expérience, qualification et atouts
// demandés », engine/scoring/criteria/experience.h, ExperienceWithAssetsScore) that counts only when the
// opening asks for some desired asset, so an opening asking none scores exactly as before.
//
// Each desired item counts 1 when held: a language spoken at the level asked or above (the three words
// of engine/model/language_columns.h), a licence category held valid in France (HeldLicences). A category
// whose foreign licence is being exchanged (licence_categories_pending, not yet held) counts
// kDesiredLicencePendingCredit: the person drives that category, the French paper is months away. The
// part is the items' credit over the items asked. Branch-free, so the kernel's loop vectorises.
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_DESIRED_ASSETS_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_DESIRED_ASSETS_H_

#include <cstdint>

namespace passerelle::engine::scoring {

// Credit of a desired licence category held abroad and being exchanged: half, as the employer wants the
// category now and the exchange takes about kLicenceExchangeWeeks.
inline constexpr float kDesiredLicencePendingCredit = 0.5f;

// Bits set in x, in the branch-free form GCC 12 vectorises (neither std::popcount nor the bit-trick
// form ending in a multiply, which it turns into the scalar instruction; the same arithmetic as the
// kernel's PopCount).
inline uint32_t DesiredBitCount(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  x += x >> 8;
  x += x >> 16;
  return x & 0x3Fu;
}

// The opening's desired words and the candidate's, as the feature columns hold them.
struct DesiredAssetBits {
  uint32_t desired_languages[3];  // languages_desired_0..2 (opening)
  uint32_t spoken_languages[3];   // languages_spoken_0..2 (candidate)
  uint32_t desired_licences;      // licences_desired (opening)
  uint32_t held_licences;         // held_licences (candidate)
  uint32_t pending_licences;      // pending_licences (candidate)
};

// Number of desired items the opening asks (languages at a level, licence categories).
inline float DesiredAssetsAsked(uint32_t desired0, uint32_t desired1, uint32_t desired2, uint32_t desired_licences) {
  return static_cast<float>(DesiredBitCount(desired0) + DesiredBitCount(desired1) + DesiredBitCount(desired2) +
                            DesiredBitCount(desired_licences));
}

inline float DesiredAssetsAsked(const DesiredAssetBits& b) {
  return DesiredAssetsAsked(b.desired_languages[0], b.desired_languages[1], b.desired_languages[2],
                            b.desired_licences);
}

// Credit of the desired items the candidate holds (see above), at most DesiredAssetsAsked.
inline float DesiredAssetsCredit(const DesiredAssetBits& b) {
  const uint32_t languages = DesiredBitCount(b.desired_languages[0] & b.spoken_languages[0]) +
                             DesiredBitCount(b.desired_languages[1] & b.spoken_languages[1]) +
                             DesiredBitCount(b.desired_languages[2] & b.spoken_languages[2]);
  const uint32_t held = DesiredBitCount(b.desired_licences & b.held_licences);
  const uint32_t pending = DesiredBitCount(b.desired_licences & b.pending_licences & ~b.held_licences);
  return static_cast<float>(languages + held) + kDesiredLicencePendingCredit * static_cast<float>(pending);
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_DESIRED_ASSETS_H_

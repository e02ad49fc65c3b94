#include "engine/columns/place_order.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace passerelle::engine {

uint32_t HilbertIndex(uint32_t x, uint32_t y) {
  constexpr uint32_t kLast = 0xffff;  // grid side - 1
  uint64_t index = 0;
  // From the coarsest quadrant down: each level adds the quadrant's rank along the curve, then turns
  // the coordinates into that quadrant's frame (a transposition, and a flip for the last quadrant).
  for (uint32_t half = 1u << 15; half > 0; half >>= 1) {
    const uint32_t right = (x & half) ? 1 : 0;
    const uint32_t up = (y & half) ? 1 : 0;
    index += static_cast<uint64_t>(half) * half * ((3 * right) ^ up);
    if (up == 0) {
      if (right == 1) {
        x = kLast - x;
        y = kLast - y;
      }
      std::swap(x, y);
    }
  }
  return static_cast<uint32_t>(index);
}

uint32_t PlaceIndex(const UnitVector& p) {
  const double latitude = std::asin(std::clamp(static_cast<double>(p.z), -1.0, 1.0));  // radians
  const double longitude = std::atan2(static_cast<double>(p.y), static_cast<double>(p.x));
  const auto cell = [](double fraction) {
    return static_cast<uint32_t>(std::clamp(fraction * 65536.0, 0.0, 65535.0));
  };
  const uint32_t x = cell(longitude / (2 * M_PI) + 0.5);
  const uint32_t y = cell(latitude / M_PI + 0.5);
  return HilbertIndex(x, y);
}

uint64_t CandidatePlaceKey(const ResolvedCandidate& candidate) {
  const uint64_t mover = candidate.record.relocation_accepted ? 1 : 0;
  return (mover << 32) | PlaceIndex(candidate.position);
}

uint64_t OpeningPlaceKey(const ResolvedOpening& opening) { return PlaceIndex(opening.position); }

}  // namespace passerelle::engine

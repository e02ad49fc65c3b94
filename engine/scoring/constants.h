// Every constant of scoring model v1, one header per criterion under engine/scoring/criteria/, each with
// its formula, default and the thresholds of its reason; this header gathers them for code that reads
// several (docs/scoring.md quotes them).
#ifndef PASSERELLE_ENGINE_SCORING_CONSTANTS_H_
#define PASSERELLE_ENGINE_SCORING_CONSTANTS_H_

#include "engine/scoring/criteria/experience.h"
#include "engine/scoring/criteria/expiry.h"
#include "engine/scoring/criteria/french.h"
#include "engine/scoring/criteria/housing.h"
#include "engine/scoring/criteria/languages.h"
#include "engine/scoring/criteria/licence_categories.h"
#include "engine/scoring/criteria/mobility.h"
#include "engine/scoring/criteria/occupation.h"
#include "engine/scoring/criteria/salary.h"
#include "engine/scoring/criteria/skills.h"
#include "engine/scoring/criteria/tension.h"
#include "engine/scoring/criteria/timing.h"
#include "engine/scoring/criteria/working_time.h"

#endif  // PASSERELLE_ENGINE_SCORING_CONSTANTS_H_

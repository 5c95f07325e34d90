#pragma once
// The common schema that every source's fields are mapped to.

#include <array>
#include <string>
#include <string_view>

namespace classifier {

struct target {
  std::string_view name;
  std::string_view description;
  /// A field mapped to a categorical target has few distinct values, each worth a class:
  /// extract counts them and classify gives them classes. The others (times, places) are
  /// mapped for their meaning only.
  bool categorical;
};

inline constexpr std::array targets{
    target{"call_type", "what the call was about (Medical Incident, EMS: FALL VICTIM)", true},
    target{"call_type_group", "a coarser grouping of call types, where the source has one", true},
    target{"priority", "the priority given to the call (1, 2, 3, E)", true},
    target{"final_priority", "the priority after triage", true},
    target{"disposition", "how the call ended", true},
    target{"unit_type", "the kind of unit sent (ENGINE, MEDIC)", true},
    target{"district", "an area: township, battalion, district, neighbourhood", true},
    target{"city", "the city or township", true},
    target{"zip", "the postal code", true},
    target{"received_at", "when the call was received", false},
    target{"address", "where: a street address or block", false},
    target{"latitude", "where: latitude", false},
    target{"longitude", "where: longitude", false},
    target{"location", "where: a point with both coordinates", false},
    target{"description", "free text about the call", false},
    target{"incident_number", "the agency's own identifier", false},
};

/// The target of that name, or nullptr.
[[nodiscard]] constexpr const target* find_target(std::string_view name) noexcept {
  for (const auto& t : targets)
    if (t.name == name) return &t;
  return nullptr;
}

/// "call_type, priority, ...": the targets' names, for messages.
inline std::string target_names(bool categorical_only) {
  std::string out;
  for (const auto& t : targets)
    if (!categorical_only || t.categorical) out += (out.empty() ? "" : ", ") + std::string(t.name);
  return out;
}

}  // namespace classifier

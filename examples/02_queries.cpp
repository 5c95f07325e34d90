// Queries: typed conditions, SQL fragments, ordering, paging, count, pluck, streaming.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

struct CallColumns {
  std::string call_type;
  std::string township;
  std::int32_t priority = 3;
  std::optional<double> latitude;
};
struct Call : stitch::model<Call, CallColumns> {};

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Call>();

  std::vector<Call> calls;
  auto add = [&](std::string type, std::string township, int priority, std::optional<double> lat) {
    Call call;
    call.call_type = std::move(type);
    call.township = std::move(township);
    call.priority = priority;
    call.latitude = lat;
    calls.push_back(std::move(call));
  };
  add("EMS: BACK PAINS/INJURY", "NEW HANOVER", 2, 40.2978759);
  add("EMS: DIABETIC EMERGENCY", "HATFIELD TOWNSHIP", 1, 40.2580614);
  add("Fire: GAS-ODOR/LEAK", "NORRISTOWN", 1, 40.1211818);
  add("EMS: CARDIAC EMERGENCY", "NORRISTOWN", 1, std::nullopt);
  add("Traffic: VEHICLE ACCIDENT -", "LOWER POTTSGROVE", 3, 40.2274);
  db.save_all(calls);  // one transaction, one prepared INSERT reused

  using stitch::col;
  const auto urgent_ems = db.all<Call>()
                              .where(col<&Call::call_type>.like("EMS:%") && col<&Call::priority> == 1)
                              .order_by(col<&Call::call_type>);
  for (const auto& call : urgent_ems.to_vector()) fmt::print("urgent: {}\n", call.call_type);

  fmt::print("in Norristown: {}\n",
             db.all<Call>().where(col<&Call::township> == "NORRISTOWN").count());
  fmt::print("without a location: {}\n", db.all<Call>().where(col<&Call::latitude>.is_null()).count());
  fmt::print("priority 2 or 3: {}\n",
             db.all<Call>().where(col<&Call::priority>.in({2, 3})).pluck(col<&Call::township>));
  fmt::print("long names: {}\n",
             db.all<Call>().where("length(\"call_type\") > ?", 22).order_by(col<&Call::id>.desc())
                 .pluck(col<&Call::id>));
  fmt::print("second page: {}\n",
             db.all<Call>().order_by(col<&Call::id>).limit(2).offset(2).pluck(col<&Call::call_type>));

  auto first = db.all<Call>().where(!(col<&Call::priority> < 3)).first();  // std::optional<Call>
  fmt::print("first of priority 3: {}\n", first ? first->call_type : "none");

  // Iterating streams rows one at a time: memory stays constant however many rows match.
  double north = 0;
  for (const auto& call : db.all<Call>().where(col<&Call::latitude> > 40.25)) north += *call.latitude;
  fmt::print("mean latitude north of 40.25: {:.4f}\n", north / 2);
  fmt::print("{}\n", db.all<Call>().where(col<&Call::township> != "NORRISTOWN").limit(10).to_sql());
}

// expect: \[stitch\] save_all needs a range of objects it can write ids back into
// Checks: save_all of a view that yields temporaries, whose ids would be lost.
#include <ranges>
#include <string>
#include <vector>

#include "models.hpp"

void save_titles(stitch::database& db, std::vector<std::string>& titles) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  std::vector<Book> books(titles.size());
  for (std::size_t i = 0; i < titles.size(); ++i) books[i].title = titles[i];
  db.save_all(books);
#else
  db.save_all(titles | std::views::transform([](const std::string& t) {
                Book b;
                b.title = t;
                return b;
              }));
#endif
}

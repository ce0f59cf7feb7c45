# proxima: the two commands of the README, and a few for developers.
#   make demo   installs what is missing, builds, creates var/proxima.db and runs proxima
#   make check  installs what is missing, builds, runs every test, then again under ASan+UBSan
.POSIX:
.PHONY: all deps build build-san check check-unit check-san demo fuzz format bench clean

BUILD      = build
BUILD_SAN  = build-san
DB         = var/proxima.db
PROXIMA    = $(BUILD)/src/cli/proxima
FUZZ_SECONDS = 60
DEMO_DATE  = 2022-12-31

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

$(BUILD_SAN)/build.ninja:
	CC=clang meson setup $(BUILD_SAN) --buildtype=debug \
	  -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dc_args=-fno-sanitize-recover=all

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-san: deps $(BUILD_SAN)/build.ninja
	ninja -C $(BUILD_SAN)

check-unit: build
	meson test -C $(BUILD) --print-errorlogs

check-san: build-san
	meson test -C $(BUILD_SAN) --print-errorlogs --timeout-multiplier 3

check:
	@$(MAKE) --no-print-directory check-unit; a=$$?; \
	$(MAKE) --no-print-directory check-san; b=$$?; \
	scripts/test-summary.py $(BUILD)/meson-logs/testlog.json $(BUILD_SAN)/meson-logs/testlog.json \
	  && [ $$a -eq 0 ] && [ $$b -eq 0 ]

demo: build
	@scripts/demo.sh

fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_SAN) build-fuzz

# The vector paths of the kernels (engine/scoring/kernel_dispatch.h): engine/scoring/kernel_variant.cc
# compiled once per instruction set, each object made self-contained before it joins passerelle_scoring.
#
# Why not just compile the file three times: the Eigen, standard-library and inline functions it
# instantiates have the same (weak, COMDAT) symbol names in every copy, and the linker keeps any one of
# them, so an AVX-512 body could run on the AVX2 path. Instead each copy has its own namespace
# (PASSERELLE_KERNEL_NS), is compiled with -fvisibility=hidden, linked alone with `ld -r
# --force-group-allocation` (which dissolves its COMDAT groups, so no section of it can be dropped in
# favour of another object's) and then `objcopy --localize-hidden` turns every hidden symbol local: only
# <path>::Path() stays global. -fno-gnu-unique makes inline variables weak rather than STB_GNU_UNIQUE,
# a binding objcopy does not localise.
#
# EIGEN_MAX_ALIGN_BYTES is fixed for the whole engine so that all paths agree on how Eigen allocates and
# aligns the arrays they share (an array allocated by one path is freed or read by another).
target_compile_definitions(passerelle_columns PUBLIC EIGEN_MAX_ALIGN_BYTES=64)

set(PASSERELLE_KERNEL_PATHS baseline avx2 avx512)
set(PASSERELLE_KERNEL_FLAGS_baseline -march=x86-64 -mtune=generic)
set(PASSERELLE_KERNEL_FLAGS_avx2 -march=x86-64-v3 -mtune=generic)
# GCC 12 reports -Wmaybe-uninitialized (and, in longer expressions, -Wuninitialized) inside avx512fintrin.h (`__m512 __Y = __Y;`, an intentional
# undefined value) when Eigen's AVX-512 packets are inlined: a false positive, silenced for this path only.
set(PASSERELLE_KERNEL_FLAGS_avx512 -march=x86-64-v4 -mtune=generic $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>
    $<$<CXX_COMPILER_ID:GNU>:-Wno-uninitialized>)

find_program(PASSERELLE_OBJCOPY NAMES objcopy REQUIRED)
find_program(PASSERELLE_LD NAMES ld REQUIRED)
set(kernel_objects "")
foreach(path IN LISTS PASSERELLE_KERNEL_PATHS)
  add_library(passerelle_kernel_${path} OBJECT scoring/kernel_variant.cc)
  target_link_libraries(passerelle_kernel_${path} PRIVATE passerelle_columns)
  target_compile_definitions(passerelle_kernel_${path} PRIVATE PASSERELLE_KERNEL_NS=${path})
  if(PASSERELLE_SANITIZE OR NOT PASSERELLE_KERNEL_FLATTEN)
    # Inlining the whole kernel into one function (kernel_variant.cc, ScoreInChunks) costs minutes of compile
    # time per vector path and about 2 GB of memory: test trees and sanitizer builds, which check behaviour
    # rather than speed, leave it out (the arithmetic is the same either way).
    target_compile_definitions(passerelle_kernel_${path} PRIVATE PASSERELLE_KERNEL_NO_FLATTEN)
  endif()
  # -O3 in every optimised build: at -O2 (RelWithDebInfo) GCC 12 vectorises only loops whose trip count it
  # knows to be a multiple of the vector width, so the kernel's mask and experience loops stayed scalar,
  # and it inlines less of the Eigen expressions (each pass a call). The arithmetic is the same.
  # -fno-trapping-math: with FP traps assumed possible GCC 12 will not compute both sides of a `c ? a : b`
  # holding a division (the experience and desired-asset loops), so without AVX-512's masked operations
  # (avx2, baseline) those loops stayed scalar ("control flow in loop", -fopt-info-vec-missed). It allows
  # speculating such operations only: no rounding or reassociation changes, the arithmetic is the same.
  target_compile_options(passerelle_kernel_${path}
    PRIVATE ${PASSERELLE_KERNEL_FLAGS_${path}} $<$<NOT:$<CONFIG:Debug>>:-O3> -fno-trapping-math
            -fvisibility=hidden -fvisibility-inlines-hidden
            $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)  # clang never emits STB_GNU_UNIQUE
  add_dependencies(passerelle_kernel_${path} passerelle_engine_layers)
  set(object ${CMAKE_CURRENT_BINARY_DIR}/kernel_${path}.o)
  add_custom_command(
    OUTPUT ${object}
    COMMAND ${PASSERELLE_LD} -r --force-group-allocation -o ${object}.linked
            $<TARGET_OBJECTS:passerelle_kernel_${path}>
    COMMAND ${PASSERELLE_OBJCOPY} --localize-hidden ${object}.linked ${object}
    DEPENDS $<TARGET_OBJECTS:passerelle_kernel_${path}>
    COMMENT "Making the ${path} kernel path self-contained"
    COMMAND_EXPAND_LISTS VERBATIM)
  list(APPEND kernel_objects ${object})
endforeach()
set_source_files_properties(${kernel_objects} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
target_sources(passerelle_scoring PRIVATE ${kernel_objects})

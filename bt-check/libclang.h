/*
 * libclang.h - libclang's C API, loaded on demand (libclang.c).
 *
 * bt-check is compiled against Debian's libclang-19-dev header but does not
 * link libclang: a script without C definitions never maps it, which keeps
 * start-up time and peak RSS as they were.  libclang_load() dlopen()s the
 * library once and fills `lc`, one function pointer per entry of
 * LIBCLANG_FUNCS, each typed from the header's declaration; callers write
 * lc.clang_getCString(s).  To use another libclang function, add it to the
 * list.
 */
#ifndef BT_CHECK_LIBCLANG_H
#define BT_CHECK_LIBCLANG_H

#include <clang-c/Index.h>

#define LIBCLANG_FUNCS(X) \
	X(clang_createIndex) X(clang_disposeIndex) \
	X(clang_parseTranslationUnit2) X(clang_disposeTranslationUnit) \
	X(clang_getNumDiagnostics) X(clang_getDiagnostic) \
	X(clang_disposeDiagnostic) X(clang_getDiagnosticSeverity) \
	X(clang_getDiagnosticSpelling) X(clang_getDiagnosticLocation) \
	X(clang_getDiagnosticNumRanges) X(clang_getDiagnosticRange) \
	X(clang_getRangeStart) X(clang_getRangeEnd) \
	X(clang_getSpellingLocation) X(clang_getFileName) \
	X(clang_getCString) X(clang_disposeString) \
	X(clang_getTranslationUnitCursor) X(clang_visitChildren) \
	X(clang_getCursorKind) X(clang_getCursorSpelling) \
	X(clang_getCursorType) X(clang_getCursorLocation) \
	X(clang_getCursorExtent) X(clang_isCursorDefinition) \
	X(clang_getCanonicalType) X(clang_getTypeDeclaration) \
	X(clang_Type_getSizeOf) X(clang_Type_getAlignOf) \
	X(clang_Type_visitFields) X(clang_Cursor_getOffsetOfField) \
	X(clang_Cursor_isBitField) X(clang_getFieldDeclBitWidth) \
	X(clang_getPointeeType) X(clang_getArrayElementType) \
	X(clang_getNumElements) X(clang_getEnumConstantDeclValue) \
	X(clang_getEnumDeclIntegerType) X(clang_Cursor_isAnonymous) \
	X(clang_Cursor_isAnonymousRecordDecl) \
	X(clang_getTypedefDeclUnderlyingType) \
	X(clang_Cursor_isMacroFunctionLike) X(clang_Cursor_isMacroBuiltin) \
	X(clang_tokenize) X(clang_disposeTokens) X(clang_getTokenSpelling) \
	X(clang_getTokenKind) X(clang_getInclusions)

#define LIBCLANG_FIELD(fn) __typeof__(fn) *fn;
struct libclang {
	LIBCLANG_FUNCS(LIBCLANG_FIELD)
};
#undef LIBCLANG_FIELD

extern struct libclang lc;

/*
 * dlopen libclang (once): 0, or -ENOENT with the dynamic loader's reason
 * in *why when neither libclang-19.so.1 nor libclang.so can be loaded or
 * one lacks a function of the list
 */
int libclang_load(const char **why);

#endif

/*
 * search_internal.h - what the search's files share (search.c: the query's
 * words and the names they spell; search_rank.c: answers and their order;
 * search_complete.c: autocomplete): a session's working memory and the
 * steps between them. Not installed.
 *
 * The words of the query's names ("name words": the values of its street,
 * alley, group, zone, district, province and free parts) are looked up in
 * the index with their alternatives (the word itself, and words one typo
 * away). A run of them that spells an entity's whole proper name, in
 * order, is *evidence*: that entity, the words it explains and how well.
 * Answers are built from evidence: a street or group, with the zone,
 * group, district and province evidence that agrees with it, and its
 * household when the house number is among its households.
 */
#ifndef DC_SEARCH_INTERNAL_H
#define DC_SEARCH_INTERNAL_H

#include "diachi/query.h"
#include "diachi/search.h"
#include "geo_internal.h"

/* Name words considered (a real address has a dozen). */
#define DC_NT_MAX 48
/* Alternatives of a word: itself and words one typo away. */
#define DC_ALT_MAX 8
/* Longest run of words matched as one name. */
#define DC_SPAN_MAX 8
/* Evidence kept; a name found in more places is cut there. */
#define DC_EV_MAX 2048
/* Entity ids one run may lead to before its words are intersected: a
 * group name in every zone of the country (Tổ 1) is some 11,000. */
#define DC_IDS_MAX 32768
/* Postcodes of the districts and provinces found. */
#define DC_MEMBERS_MAX 16384
/* Postcodes the restrictions leave, listed when they are few. */
#define DC_ALLOWED_MAX 4096
/* Answers ranked. */
#define DC_CAND_MAX 2048
/* A run leading to more street or group ids than this, in a query that
 * names no place, is read after the others (DC_DEFER_MAX runs at most). */
#define DC_BROAD_IDS 256
#define DC_DEFER_MAX 16

/* Points of a word, by how it matched (a word explained). */
enum {
    DC_PTS_EXACT = 10,      /* its tones as the index has them, or typed without */
    DC_PTS_TONES = 7,       /* typed with other tones */
    DC_PTS_TYPO = 5,        /* one typo */
    DC_PTS_UNEXPLAINED = 6, /* taken off for each word no part of the answer explains */
    DC_PTS_HOUSE = 40,      /* the house number found */
    DC_PTS_PLACE = 20,      /* a street or group */
    DC_PTS_ZONE = 15,       /* the zone, named */
    DC_PTS_POSTCODE = 15,
    DC_PTS_LOCALITY = 5, /* a group, district or province, named */
    DC_PTS_IN_GROUP = 5  /* the household is in the group named */
};

/* A word an alternative stands for, and its posting list. */
typedef struct dc_nalt {
    const char *folded;
    uint16_t len;
    uint8_t how; /* DC_SEARCH_FOLDED (the word itself) or DC_SEARCH_TYPO */
    dc_postings pl;
} dc_nalt;

/* A name word of the query. */
typedef struct dc_ntok {
    const char *exact, *folded;
    uint16_t elen, flen;
    bool toned;     /* typed with tones: the query has a diacritic somewhere */
    bool synthetic; /* an alley's number read off a house number ("12" of "12/3") */
    int16_t part;   /* its part in the query */
    int16_t token;  /* its token in the query, -1 for a synthetic word */
    uint8_t pkind;  /* its part's kind (DC_PART_HOUSE: a guessed house number) */
    bool numbered, labelled;
    bool label;    /* the word that labels its part, as a name's word: optional */
    bool doubtful; /* its part's word matched only folded: a name's word, maybe */
    bool typos;    /* words one typo away have been looked up */
    uint8_t nalts;
    dc_nalt alt[DC_ALT_MAX];
} dc_ntok;

/* An entity a run of name words spells. */
typedef struct dc_evidence {
    uint32_t id;
    uint8_t kind, n;
    bool labelled; /* its part's word is of its kind ("phường" and a zone) */
    bool former;   /* a former name: its members are the postcodes it reaches */
    bool own_word; /* and is the very word its name leads with (ấp, not thôn;
                      KP is khu phố) */
    uint8_t tok[DC_SPAN_MAX];
    uint8_t how[DC_SPAN_MAX];
    uint16_t points;
    uint64_t mask;     /* bit per name word it explains */
    uint32_t postcode; /* street, group, zone (a former zone: its earlier one) */
    uint32_t count;    /* street, group: households */
    int32_t lat_e7, lon_e7;
    uint32_t first, nmembers; /* district, province, former: postcodes in members[] */
    dc_str folded;            /* its folded proper name, in the map */
} dc_evidence;

/* Evidence (or an answer) by postcode and points, to sort. */
typedef struct dc_ev_key {
    uint32_t postcode;
    int32_t points;
    int32_t ev;
} dc_ev_key;

/* An answer being ranked. */
typedef struct dc_cand {
    uint8_t match;
    int32_t points;
    uint32_t number; /* household */
    int32_t ev;      /* the street's or group's evidence, or the zone's */
    int32_t with[4]; /* zone, group, district, province evidence, or -1 */
    uint32_t postcode;
    bool house, in_group, postcode_ok;
    bool kind_named; /* its kind is the one its part's word names (bản: a group) */
    bool former;     /* found through a former name: after a current one as good */
    uint8_t labels;  /* its evidence named with words of its kind, and with its
                        own words (ấp, not thôn): labels_of */
    uint64_t mask;
    double distance;
    int32_t lat_e7, lon_e7;
} dc_cand;

/* An autocomplete candidate: an entity, where the typed words start in
 * its name, and its weight (households). Ranked: a whole name typed, then
 * the most words typed with their tones, then names that start with the
 * words, then the heavier. */
typedef struct dc_completion {
    uint32_t id, weight;
    uint8_t at, kind;
    bool whole;     /* the typed words are its whole name */
    uint8_t exacts; /* whole typed words with the name's tones */
} dc_completion;

struct dc_search_scratch {
    dc_query q;
    size_t nnt;
    dc_ntok nt[DC_NT_MAX];
    uint64_t all;    /* bit per name word that must be explained */
    int house_part;  /* the house number's part, or -1 */
    int house_token; /* its token, or -1 */
    const char *house;
    size_t house_len;
    size_t nev;
    dc_evidence ev[DC_EV_MAX];
    /* The places the query names with their word (phường X, quận Y, tỉnh
     * Z), which restrict every answer: per such part the evidence that
     * spells it best (restrict_ev[first..first + n)). */
    size_t nrestrict, nrestrict_ev;
    struct {
        uint32_t first, n;
    } restrict_part[DC_SEARCH_MAX_PARTS];
    int32_t restrict_ev[DC_EV_MAX];
    bool restrict_postcode; /* the query's postcode is a zone's */
    /* The postcodes every restriction allows, ascending, when there are
     * restrictions and no more than DC_ALLOWED_MAX (else nallowed_set is
     * false and each answer's postcode is checked). */
    bool allowed_set;
    size_t nallowed;
    uint32_t allowed[DC_ALLOWED_MAX];
    /* A query that names no place: the runs of a name in too many places
     * to keep (Tổ 29 in every large zone) are put off (deferring) and
     * then read only in the postcodes the other words found
     * (cover_only: x->allowed holds them). */
    bool deferring, cover_only;
    size_t ndefer;
    struct {
        uint8_t tok[DC_SPAN_MAX];
        uint8_t n, kind;
        uint32_t ids; /* the ids it leads to */
    } defer[DC_DEFER_MAX];
    /* Zone and group evidence by postcode, best first, and the districts
     * and provinces (ranking). */
    size_t nzone_ev, ngroup_ev, nplace_ev;
    dc_ev_key zone_ev[DC_EV_MAX], group_ev[DC_EV_MAX];
    int32_t place_ev[DC_EV_MAX];
    /* Streets whose households are searched for the house number, the
     * likeliest first (ranking). */
    dc_ev_key house_order[DC_CAND_MAX];
    size_t nmembers;
    uint32_t members[DC_MEMBERS_MAX];
    uint32_t ids[DC_IDS_MAX];
    size_t ncand;
    dc_cand cand[DC_CAND_MAX];
    char synth[64];  /* a synthetic word's text */
    dc_tokens names; /* an answer's name, tokenised (autocomplete) */
    size_t ncomp;
    dc_completion comp[DC_CAND_MAX];
};

/* The session's working memory, made on its first search. */
dc_err dc_search_scratch(dc_geo_session *s, struct dc_search_scratch **out);

/* The points of a word matched @p how (toned: the query is typed with
 * tones). A query typed without tones says nothing of them: its "thanh"
 * matches Thanh, Thành and Thạnh alike, so folded counts as exact for it;
 * a query typed with tones prefers each word's own, "Thanh" the level tone
 * included. */
static inline int dc_search_points(uint8_t how, bool toned)
{
    return how == DC_SEARCH_TYPO              ? DC_PTS_TYPO
           : how == DC_SEARCH_EXACT || !toned ? DC_PTS_EXACT
                                              : DC_PTS_TONES;
}

/* search_words.c: the parts the parser found, into the answer. */
void dc_search_report_parts(const dc_query *q, dc_search_result *out);
/* search_words.c: the query's name words (x->nt) from its parts. */
void dc_search_name_words(struct dc_search_scratch *x);

/* search_scope.c: the entity kinds (bit per dc_entity_kind) the words of a part
 * of kind @p pkind may name. */
unsigned dc_search_part_kinds(uint8_t pkind, bool numbered);
/* search_scope.c: the entity kind a part's word names (a street for a street or
 * an alley), or -1. */
int dc_search_kind_of_part(uint8_t pkind);

/* search.c: look up words one typo away for the name words not yet looked
 * up that @p need marks (bit per word) and are long enough; true when any
 * word gained an alternative. */
dc_err dc_search_add_typos(dc_geo_session *s, struct dc_search_scratch *x, uint64_t need,
                           bool *added);
/* search.c: every run of name words that spells an entity, as evidence. */
dc_err dc_search_evidence(dc_geo_session *s, struct dc_search_scratch *x);

/* search_scope.c: whether evidence @p ev stands for a list of postcodes
 * (x->members): a district, a province, or a former name. */
static inline bool dc_search_ev_list(const dc_evidence *ev)
{
    return ev->kind == DC_ENTITY_DISTRICT || ev->kind == DC_ENTITY_PROVINCE || ev->former;
}

/* search_rank.c: whether household @p h lies in one of the earlier zones
 * of former evidence @p ev (its polygons: a household of a zone that
 * merged with the former one was never in it). */
dc_err dc_search_in_former(dc_geo_session *s, const dc_evidence *ev, int32_t lat_e7,
                           int32_t lon_e7, bool *in);

/* search_scope.c: whether evidence @p ev (a zone, street or group: its postcode;
 * a district or province: its zones) holds postcode @p pc. */
bool dc_search_has_postcode(const struct dc_search_scratch *x, const dc_evidence *ev,
                            uint32_t pc);
/* search_scope.c: whether an answer in zone @p pc is within every place the
 * query names with its word, and its postcode. */
bool dc_search_allowed(const struct dc_search_scratch *x, uint32_t pc);

/* search_rank.c: rank the answers the evidence gives (x->cand), best first;
 * @p limit answers are wanted (a house number is not looked for on streets
 * that cannot rank among them). */
dc_err dc_search_rank(dc_geo_session *s, struct dc_search_scratch *x,
                      const dc_search_options *opt, size_t limit);
/* search_rank.c: the first @p limit answers, distinct, into @p out. */
dc_err dc_search_hits(dc_geo_session *s, struct dc_search_scratch *x, size_t limit,
                      const dc_search_options *opt, dc_search_result *out);

#endif

"use client";

import Autocomplete from "@mui/material/Autocomplete";
import TextField from "@mui/material/TextField";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useQuery } from "urql";
import { SearchSuggestionsQuery } from "@/operations/search";

/** The header's search field: suggestions as you type, Enter searches, a product suggestion opens it. */
export function SearchBox() {
  const router = useRouter();
  const params = useSearchParams();
  const [text, setText] = useState(params.get("q") ?? "");
  const prefix = text.trim();
  const [{ data }] = useQuery({ query: SearchSuggestionsQuery, variables: { prefix }, pause: prefix.length < 2 });
  const suggestions = prefix.length < 2 ? [] : (data?.searchSuggestions ?? []);

  const go = (value: string) => {
    const suggestion = suggestions.find((s) => s.text === value);
    if (suggestion?.product) router.push(`/product/${suggestion.product.slug}`);
    else router.push(`/search?q=${encodeURIComponent(value)}`);
  };

  return (
    <form
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        go(text);
      }}
      style={{ flex: "1 1 280px", maxWidth: 480 }}
    >
      <Autocomplete
        freeSolo
        options={suggestions.map((s) => s.text)}
        inputValue={text}
        onInputChange={(_event, value) => setText(value)}
        onChange={(_event, value) => {
          if (typeof value === "string" && value) go(value);
        }}
        filterOptions={(options) => options}
        renderInput={(input) => (
          <TextField
            {...input}
            size="small"
            label="Search products"
            name="q"
            sx={{ bgcolor: "background.paper", borderRadius: 1 }}
          />
        )}
      />
    </form>
  );
}

"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useId, useState, type KeyboardEvent } from "react";
import { useQuery } from "urql";
import { SearchSuggestionsQuery } from "@/operations/search";

/**
 * The header's search field, an ARIA 1.2 combobox: suggestions as you type, arrow keys move
 * through them, Enter searches (or opens the suggested product), Escape closes the list.
 * Hand-written rather than MUI's Autocomplete to keep it out of every page's JavaScript.
 */
export function SearchBox() {
  const router = useRouter();
  const params = useSearchParams();
  const listId = useId();
  const [text, setText] = useState(params.get("q") ?? "");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const prefix = text.trim();
  const [{ data }] = useQuery({ query: SearchSuggestionsQuery, variables: { prefix }, pause: prefix.length < 2 });
  const suggestions = prefix.length < 2 ? [] : (data?.searchSuggestions ?? []);
  const expanded = open && suggestions.length > 0;

  const go = (index: number) => {
    setOpen(false);
    const suggestion = suggestions[index];
    if (suggestion?.product) router.push(`/product/${suggestion.product.slug}`);
    else router.push(`/search?q=${encodeURIComponent(suggestion?.text ?? text)}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((active + 1) % suggestions.length);
    } else if (event.key === "ArrowUp" && suggestions.length > 0) {
      event.preventDefault();
      setActive(active <= 0 ? suggestions.length - 1 : active - 1);
    } else if (event.key === "Escape") {
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <form
      role="search"
      className="search"
      onSubmit={(event) => {
        event.preventDefault();
        go(expanded ? active : -1);
      }}
    >
      <label htmlFor={`${listId}-input`} className="visually-hidden">Search products</label>
      <input
        id={`${listId}-input`}
        name="q"
        type="search"
        placeholder="Search products"
        autoComplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${listId}-list`}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul id={`${listId}-list`} role="listbox" aria-label="Suggestions" className="search-suggestions" hidden={!expanded}>
        {suggestions.map((suggestion, index) => (
          <li
            key={`${suggestion.text}-${index}`}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => {
              event.preventDefault();
              go(index);
            }}
          >
            {suggestion.text}
          </li>
        ))}
      </ul>
    </form>
  );
}

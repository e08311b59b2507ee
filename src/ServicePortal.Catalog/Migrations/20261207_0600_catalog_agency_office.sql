-- Where, when and how a person reaches an agency's office, for services given at the office (channel 'office'):
-- an address and opening hours in both languages and a phone number, shown on the service's and the agency's
-- public pages. Empty means not known yet (the page then says to ask the helpdesk), never a made-up value.
ALTER TABLE catalog.agencies
    ADD COLUMN office_address_sw text NOT NULL DEFAULT '' CHECK (length(office_address_sw) <= 300),
    ADD COLUMN office_address_en text NOT NULL DEFAULT '' CHECK (length(office_address_en) <= 300),
    ADD COLUMN office_hours_sw text NOT NULL DEFAULT '' CHECK (length(office_hours_sw) <= 200),
    ADD COLUMN office_hours_en text NOT NULL DEFAULT '' CHECK (length(office_hours_en) <= 200),
    ADD COLUMN office_phone text NOT NULL DEFAULT '' CHECK (length(office_phone) <= 40);
